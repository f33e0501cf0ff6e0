using System.Buffers;
using System.Text;
using System.Text.Json;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Explain;

/// <summary><c>--output json</c>: one JSON document per pod, every finding a field, for jq and scripts.</summary>
internal static class ExplainJson
{
    public static string Render(Explanation explanation)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            Write(json, explanation);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    private static void Write(Utf8JsonWriter json, Explanation explanation)
    {
        var target = explanation.Target;
        json.WriteStartObject();
        json.WriteString("source", target.Source);
        json.WriteString("kind", target.Kind);
        json.WriteString("namespace", target.Namespace);
        json.WriteBoolean("namespaceAssumed", target.NamespaceAssumed);
        json.WriteString("pod", target.Name);
        json.WriteString("serviceAccount", target.ServiceAccount);
        json.WriteString("serviceAccountFrom", target.ServiceAccountField);
        json.WriteBoolean("injected", explanation.Injected);
        // succeeds is kept for scripts written against it; it now also turns false for a finding
        // that breaks credentials (it said true for a malformed role ARN). verdict adds the
        // third answer, injected but will not work, that two booleans only imply.
        json.WriteBoolean("succeeds", explanation.Works);
        json.WriteString("verdict", explanation.Verdict switch
        {
            ExplainVerdict.Injected => "injected",
            ExplainVerdict.InjectedWillNotWork => "injectedWillNotWork",
            _ => "notInjected",
        });
        Nullable(json, "reason", explanation.NotInjectedReason);

        json.WriteStartObject("webhook");
        json.WriteBoolean("called", explanation.NotCalled is null);
        Nullable(json, "notCalledReason", explanation.NotCalled);
        if (explanation.Registration is { } registration)
        {
            json.WriteString("configuration", registration.Configuration);
            json.WriteString("failurePolicy", registration.FailurePolicy);
            json.WriteBoolean("shipped", ReferenceEquals(registration, WebhookRegistration.Shipped));
        }

        json.WriteEndObject();

        Identity(json, explanation);
        Containers(json, explanation.Containers);

        json.WriteStartArray("warnings");
        foreach (var warning in explanation.Warnings)
        {
            json.WriteStartObject();
            json.WriteString("code", warning.Code);
            json.WriteString("message", warning.Message);
            json.WriteString("fix", warning.Fix);
            json.WriteBoolean("breaksCredentials", warning.BreaksCredentials);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("notes");
        foreach (var note in explanation.Notes)
        {
            json.WriteStringValue(note);
        }

        json.WriteEndArray();
        Trust(json, explanation.Trust);
        json.WritePropertyName("mutatedPod");
        using (var pod = JsonDocument.Parse(explanation.Pod.ToJsonString()))
        {
            pod.RootElement.WriteTo(json);
        }

        json.WriteEndObject();
    }

    private static void Identity(Utf8JsonWriter json, Explanation explanation)
    {
        if (explanation.Resolution.Identity is not { } identity)
        {
            json.WriteNull("identity");
            return;
        }

        json.WriteStartObject("identity");
        json.WriteString("mode", identity.Mode == IdentityMode.WebIdentity ? "webIdentity" : "containerCredentials");
        json.WriteString("source", identity.Source);
        Nullable(json, "roleArn", identity.RoleArn);
        json.WriteString("audience", identity.Audience);
        json.WriteBoolean("regionalSts", identity.UseRegionalSts);
        if (explanation.Mutation is { } mutation)
        {
            json.WriteNumber("tokenExpirationSeconds", mutation.TokenExpiration);
            json.WriteNumber("patchOperations", mutation.PatchOperations);
        }

        json.WriteEndObject();
    }

    private static void Containers(Utf8JsonWriter json, IReadOnlyList<ContainerReport> containers)
    {
        json.WriteStartArray("containers");
        foreach (var container in containers)
        {
            json.WriteStartObject();
            json.WriteString("name", container.Name);
            json.WriteBoolean("init", container.IsInit);
            json.WriteString("outcome", container.Outcome switch
            {
                ContainerOutcome.Mutated => "mutated",
                ContainerOutcome.Skipped => "skipped",
                ContainerOutcome.AlreadyConfigured => "alreadyConfigured",
                _ => "nothingMissing",
            });
            json.WriteBoolean("hasCredentials", container.HasCredentials);
            json.WriteStartArray("injected");
            foreach (var variable in container.Injected)
            {
                json.WriteStringValue(variable);
            }

            json.WriteEndArray();
            json.WriteStartArray("notInjected");
            foreach (var (variables, reason) in container.NotInjected)
            {
                json.WriteStartObject();
                json.WriteString("variables", variables);
                json.WriteString("reason", reason);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            Nullable(json, "mount", container.Mount);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void Trust(Utf8JsonWriter json, TrustCheck? trust)
    {
        if (trust is null)
        {
            json.WriteNull("trustPolicy");
            return;
        }

        json.WriteStartObject("trustPolicy");
        if (trust.Result is { } result)
        {
            json.WriteString("decision", result.Decision.ToString());
            json.WriteString("summary", result.Summary);
            json.WriteStartArray("failures");
            foreach (var statement in result.Statements.Where(s => s.Failure is not null))
            {
                json.WriteStringValue($"Statement[{statement.Index}]: {statement.Failure}");
            }

            json.WriteEndArray();
            json.WriteStartArray("warnings");
            foreach (var warning in result.Warnings)
            {
                json.WriteStringValue(warning);
            }

            json.WriteEndArray();
        }
        else
        {
            json.WriteNull("decision");
        }

        Nullable(json, "note", trust.Note);
        json.WritePropertyName("required");
        using (var required = JsonDocument.Parse(trust.Required))
        {
            required.RootElement.WriteTo(json);
        }

        json.WriteEndObject();
    }

    private static void Nullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
