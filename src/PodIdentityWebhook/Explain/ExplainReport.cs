using System.Globalization;
using System.Text;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Explain;

/// <summary>The human-readable answer to "why does (or doesn't) my pod get credentials?".</summary>
internal static class ExplainReport
{
    /// <summary>Before a warning whose finding keeps the credentials from working, so the Result line can point at it.</summary>
    private const string BreaksMark = "[breaks credentials]";

    public static string Render(Explanation explanation, WebhookOptions options)
    {
        var target = explanation.Target;
        var text = new StringBuilder();
        Line(text, $"Pod {target.Namespace}/{target.Name} ({target.Kind}, {target.Source}), ServiceAccount {target.ServiceAccount} (from {target.ServiceAccountField})");
        foreach (var note in explanation.Notes)
        {
            Line(text, $"  {note}");
        }

        Line(text, explanation.NotCalled is { } notCalled
            ? $"Webhook: NOT called: {notCalled}"
            : $"Webhook: called ({Registration(explanation.Registration!)})");

        if (explanation.Resolution.Identity is not { } identity)
        {
            Line(text, $"Identity: none: {explanation.Resolution.Reason}.");
            if (!explanation.Resolution.ServiceAccountFound)
            {
                Line(text, "  Give the ServiceAccount manifest with --service-accounts-file or in the --pod file.");
            }
        }
        else
        {
            Identity(text, identity, explanation, options);
        }

        if (explanation.Mutation is { } mutation && explanation.Resolution.Identity is { } resolved)
        {
            Mutation(text, explanation, mutation, resolved, options);
        }

        Trust(text, explanation.Trust);
        if (explanation.Warnings.Count > 0)
        {
            Line(text, "Warnings:");
            foreach (var warning in explanation.Warnings)
            {
                Line(text, warning.BreaksCredentials ? $"  - {BreaksMark} {warning.Message}" : $"  - {warning.Message}");
                Line(text, $"    fix: {warning.Fix}");
            }
        }

        Line(text, explanation.Injected && explanation.TrustRefused
            ? "Result: credentials injected, but STS will refuse them: the trust policy does not allow this pod (above)."
            : explanation.Verdict == ExplainVerdict.InjectedWillNotWork
            ? $"Result: credentials injected, will not work: {string.Join(", ", explanation.Breaking.Select(w => w.Code).Distinct())} (Warnings, marked {BreaksMark})."
            : explanation.Injected
            ? explanation.Mutation!.HasPatch
                ? $"Result: credentials injected; the webhook patches this pod ({explanation.Mutation.PatchOperations.ToString(CultureInfo.InvariantCulture)} operations)."
                : "Result: credentials injected; the pod already has everything, the webhook returns no patch."
            : $"Result: NO credentials injected: {explanation.NotInjectedReason}.");
        return text.ToString();
    }

    private static string Registration(WebhookRegistration registration) =>
        $"{(ReferenceEquals(registration, WebhookRegistration.Shipped) ? "the shipped registration" : "registration " + registration.Configuration)}: "
        + $"its selectors match this pod; failurePolicy {registration.FailurePolicy}";

    private static void Identity(StringBuilder text, PodIdentity identity, Explanation explanation, WebhookOptions options)
    {
        Line(text, identity.Mode == IdentityMode.WebIdentity
            ? $"Identity: web identity (IRSA) from {identity.Source}"
            : $"Identity: container credentials (EKS Pod Identity) from {identity.Source}");
        if (identity.RoleArn is not null)
        {
            Line(text, $"  role ARN:          {identity.RoleArn}");
        }

        Line(text, $"  audience:          {identity.Audience}");
        if (explanation.Mutation is { } mutation)
        {
            Line(text, $"  token expiration:  {mutation.TokenExpiration.ToString(CultureInfo.InvariantCulture)} s");
            Line(text, $"  Windows pod:       {(mutation.IsWindows ? "yes" : "no")}");
        }

        Line(text, $"  regional STS:      {(identity.UseRegionalSts ? "yes" : "no")}");
        Line(text, $"  region variables:  {(options.AwsDefaultRegion.Length > 0 ? options.AwsDefaultRegion : "none (--aws-default-region not set)")}");
    }

    private static void Mutation(StringBuilder text, Explanation explanation, MutationResult mutation, PodIdentity identity, WebhookOptions options)
    {
        var volume = identity.Mode == IdentityMode.WebIdentity ? PodNames.WebIdentityVolumeName : options.ContainerCredentialsTokenVolumeName;
        Line(text, $"Volume {volume}: {(mutation.VolumeAdded ? "added" : "already present")}");
        if (identity.Mode == IdentityMode.ContainerCredentials)
        {
            Line(text, $"Label {PodNames.PodIdentityLabel}: {(mutation.LabelAdded ? "added" : "already present")}");
        }

        Line(text, "Containers:");
        foreach (var container in explanation.Containers)
        {
            var name = $"{(container.IsInit ? "init " : "")}{container.Name}";
            var parts = new List<string>();
            if (container.Injected.Count > 0)
            {
                parts.Add("injected " + string.Join(", ", container.Injected));
            }
            else if (container.Mount is not null)
            {
                parts.Add("no variable added");
            }

            if (container.Mount is not null)
            {
                parts.Add(container.Mount);
            }

            Line(text, parts.Count > 0 ? $"  {name}: {string.Join("; ", parts)}" : $"  {name}: not injected");
            foreach (var (variables, reason) in container.NotInjected)
            {
                Line(text, variables == "all" ? $"    not injected: {reason}" : $"    {variables}: not injected: {reason}");
            }
        }

        if (explanation.Target.Pod["spec"]?["ephemeralContainers"] is not null)
        {
            Line(text, "  (ephemeral containers are never mutated)");
        }
    }

    private static void Trust(StringBuilder text, TrustCheck? trust)
    {
        if (trust is null)
        {
            return;
        }

        if (trust.Result is { } result)
        {
            Line(text, $"Trust policy: {result.Summary}");
            foreach (var statement in result.Statements.Where(s => s.Failure is not null))
            {
                Line(text, $"  Statement[{statement.Index.ToString(CultureInfo.InvariantCulture)}]{(statement.Sid is { Length: > 0 } sid ? $" ({sid})" : "")}: {statement.Failure}");
            }

            foreach (var warning in result.Warnings)
            {
                Line(text, $"  warning: {warning}");
            }

            if (!result.Allowed)
            {
                Line(text, "  The trust policy this pod needs:");
                Indented(text, trust.Required);
            }

            return;
        }

        Line(text, trust.Note is { } note ? $"Trust policy: {note}. The role must trust:" : "Trust policy: the role must trust:");
        Indented(text, trust.Required);
    }

    private static void Indented(StringBuilder text, string block)
    {
        foreach (var line in block.TrimEnd().Split('\n'))
        {
            Line(text, "    " + line.TrimEnd('\r'));
        }
    }

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
