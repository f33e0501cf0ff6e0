using System.Globalization;
using System.Text;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Explain;

/// <summary>The human-readable answer to "why does (or doesn't) my pod get credentials?".</summary>
internal static class ExplainReport
{
    public static string Render(Explanation explanation, WebhookOptions options)
    {
        var inputs = explanation.Inputs;
        var text = new StringBuilder();
        var name = inputs.Pod["metadata"]?["name"]?.ToString() ?? inputs.Pod["metadata"]?["generateName"]?.ToString() ?? "";
        Line(text, $"Pod {inputs.Namespace}/{name} ({inputs.SourceKind}), ServiceAccount {inputs.ServiceAccount}");

        if (explanation.Resolution.Identity is not { } identity)
        {
            Line(text, $"No credentials injected: {explanation.Resolution.Reason}.");
            if (!explanation.Resolution.ServiceAccountFound)
            {
                Line(text, "  Give the ServiceAccount manifest with --service-accounts-file or in the --pod file.");
            }

            Line(text, "The webhook admits this pod unchanged.");
            return text.ToString();
        }

        var mutation = explanation.Mutation!;
        Line(text, identity.Mode == IdentityMode.WebIdentity
            ? $"Identity: web identity (IRSA) from {identity.Source}"
            : $"Identity: container credentials (EKS Pod Identity) from {identity.Source}");
        if (identity.RoleArn is not null)
        {
            Line(text, $"  role ARN:          {identity.RoleArn}");
        }

        Line(text, $"  audience:          {identity.Audience}");
        Line(text, $"  token expiration:  {mutation.TokenExpiration.ToString(CultureInfo.InvariantCulture)} s");
        Line(text, $"  regional STS:      {(identity.UseRegionalSts ? "yes" : "no")}");
        Line(text, $"  region variables:  {(options.AwsDefaultRegion.Length > 0 ? options.AwsDefaultRegion : "none (--aws-default-region not set)")}");
        Line(text, $"  Windows pod:       {(mutation.IsWindows ? "yes" : "no")}");
        var volume = identity.Mode == IdentityMode.WebIdentity ? PodNames.WebIdentityVolumeName : options.ContainerCredentialsTokenVolumeName;
        Line(text, $"Volume {volume}: {(mutation.VolumeAdded ? "added" : "already present")}");
        if (identity.Mode == IdentityMode.ContainerCredentials)
        {
            Line(text, $"Label {PodNames.PodIdentityLabel}: {(mutation.LabelAdded ? "added" : "already present")}");
        }

        Line(text, "Containers:");
        foreach (var container in mutation.Containers)
        {
            Line(text, $"  {(container.IsInit ? "init " : "")}{container.Name}: {Describe(container, volume, options)}");
        }

        if (inputs.Pod["spec"]?["ephemeralContainers"] is not null)
        {
            Line(text, "  (ephemeral containers are never mutated)");
        }

        foreach (var warning in mutation.Warnings)
        {
            Line(text, $"Warning: {warning}");
        }

        Line(text, mutation.HasPatch
            ? $"The webhook patches this pod ({mutation.PatchOperations.ToString(CultureInfo.InvariantCulture)} operations)."
            : "The pod already has everything: the webhook returns no patch.");
        return text.ToString();
    }

    private static string Describe(ContainerDecision container, string volume, WebhookOptions options) => container.Outcome switch
    {
        ContainerOutcome.Skipped =>
            $"not injected: listed in {options.AnnotationPrefix}/{PodNames.SkipContainersAnnotation}",
        ContainerOutcome.AlreadyConfigured =>
            "not injected: already sets credential, region and AWS_STS_REGIONAL_ENDPOINTS variables, so it is left entirely alone",
        ContainerOutcome.NothingMissing => "nothing to add: the variables and the token mount are already there",
        _ => Injected(container, volume),
    };

    private static string Injected(ContainerDecision container, string volume)
    {
        var parts = new List<string>();
        if (container.AddedEnv.Count > 0)
        {
            parts.Add("injected " + string.Join(", ", container.AddedEnv));
        }

        parts.Add(container.MountAdded ? $"mounted {volume}" : $"{volume} already mounted");
        return string.Join("; ", parts);
    }

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
