using System.Text;
using System.Text.Json.Nodes;
using PodIdentityWebhook.Kubernetes;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Certificates;

/// <summary>
/// --self-managed-certificate: every <see cref="WebhookOptions.SelfManagedCertificateSyncPeriod"/>
/// each replica reads the Secret --tls-secret, writes it when it is missing or due
/// (<see cref="RenewalPlan"/>), serves what it holds and keeps the caBundle of
/// --webhook-configuration-name equal to its ca.crt. Writes are conditional: a create that
/// meets AlreadyExists, or a replace whose resourceVersion is stale (409), lost to another
/// replica, whose Secret is read and adopted, so there is one lineage of the Secret.
/// </summary>
internal sealed partial class SelfManagedCertificate(
    WebhookOptions options,
    IJsonObjects api,
    ServingCertificate certificate,
    SelfManagedCertificateStatus status,
    TimeProvider time,
    ILogger<SelfManagedCertificate> logger) : BackgroundService
{
    private readonly IReadOnlyList<string> _names =
        CertificateAuthority.ServiceNames(options.ServiceName, options.Namespace, options.SelfManagedCertificateExtraSans);

    private readonly RenewalSettings _settings = RenewalSettings.From(options);

    private string SecretsPath => $"/api/v1/namespaces/{Uri.EscapeDataString(options.Namespace)}/secrets";

    private string SecretPath => $"{SecretsPath}/{Uri.EscapeDataString(options.TlsSecret)}";

    private string ConfigurationPath =>
        $"/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/{Uri.EscapeDataString(options.WebhookConfigurationName)}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SyncAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogSyncFailed(logger, ex.Message, ex);
            }

            try
            {
                await Task.Delay(options.SelfManagedCertificateSyncPeriod, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: the Secret written if due, served, and its ca.crt published.</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        var secret = await EnsureSecretAsync(cancellationToken);
        var content = SecretCertificates.FromSecret(secret)
            ?? throw new InvalidOperationException($"the Secret {options.Namespace}/{options.TlsSecret} does not hold tls.crt, tls.key, ca.crt and ca.key");

        var chain = content.ServingChain();
        if (CertificatePolicy.Refusal(chain, time.GetUtcNow()) is { } refusal)
        {
            chain.Dispose();
            status.NotReady($"the Secret's certificate cannot be served: {refusal}");
            return;
        }

        var leaf = chain.Leaf;
        var (subject, notAfter, thumbprint) = (leaf.Subject, leaf.NotAfter, leaf.Thumbprint);
        if (certificate.Replace(chain))
        {
            LogServing(logger, subject, notAfter, thumbprint);
        }

        var published = await PublishBundleAsync(content.CaCrt, cancellationToken);
        status.Ready(published ? null : $"the MutatingWebhookConfiguration {options.WebhookConfigurationName} was not found");
    }

    /// <summary>The Secret as it stands after this replica's write, or after the write of the replica that won.</summary>
    private async Task<JsonObject> EnsureSecretAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var secret = await api.GetJsonAsync(SecretPath, cancellationToken);
        if (secret is null)
        {
            var created = SecretCertificates.Create(_names, now, _settings);
            try
            {
                secret = await api.CreateJsonAsync(SecretsPath, NewSecret(created), cancellationToken);
                var version = ResourceVersion(secret);
                LogWritten(logger, RenewalAction.Create, options.Namespace, options.TlsSecret, version);
                return secret;
            }
            catch (KubernetesApiException ex) when (ex.StatusCode == 409)
            {
                LogLostRace(logger, options.Namespace, options.TlsSecret);
                return await api.GetJsonAsync(SecretPath, cancellationToken)
                    ?? throw new InvalidOperationException($"the Secret {options.Namespace}/{options.TlsSecret} was created by another replica and then deleted");
            }
        }

        var annotations = secret["metadata"]?["annotations"] as JsonObject;
        var content = SecretCertificates.FromSecret(secret);
        var facts = content?.Facts(_names, now, IsTrue(annotations, SecretCertificates.RotateAnnotation), IsTrue(annotations, SecretCertificates.RotateCaAnnotation));
        var action = RenewalPlan.Decide(facts, now, _settings);
        if (action == RenewalAction.None)
        {
            return secret;
        }

        var renewed = content is null ? SecretCertificates.Create(_names, now, _settings) : content.Apply(action, _names, now, _settings);
        var updated = (JsonObject)secret.DeepClone();
        updated["type"] = "kubernetes.io/tls";
        updated["data"] = renewed.ToData();
        if (updated["metadata"]?["annotations"] is JsonObject written)
        {
            written.Remove(action == RenewalAction.StartCaRotation ? SecretCertificates.RotateCaAnnotation : SecretCertificates.RotateAnnotation);
        }

        try
        {
            secret = await api.ReplaceJsonAsync(SecretPath, updated, cancellationToken);
            var version = ResourceVersion(secret);
            LogWritten(logger, action, options.Namespace, options.TlsSecret, version);
            return secret;
        }
        catch (KubernetesApiException ex) when (ex.StatusCode == 409)
        {
            LogLostRace(logger, options.Namespace, options.TlsSecret);
            return await api.GetJsonAsync(SecretPath, cancellationToken)
                ?? throw new InvalidOperationException($"the Secret {options.Namespace}/{options.TlsSecret} was deleted");
        }
    }

    /// <summary>Sets every webhook's caBundle to <paramref name="caPem"/> when one differs; false when the configuration does not exist.</summary>
    private async Task<bool> PublishBundleAsync(string caPem, CancellationToken cancellationToken)
    {
        var bundle = Convert.ToBase64String(Encoding.UTF8.GetBytes(caPem));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var configuration = await api.GetJsonAsync(ConfigurationPath, cancellationToken);
            if (configuration is null)
            {
                return false;
            }

            var webhooks = (configuration["webhooks"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            var stale = webhooks.Where(w => w["clientConfig"]?["caBundle"]?.GetValue<string>() != bundle).ToList();
            if (stale.Count == 0)
            {
                return true;
            }

            foreach (var webhook in stale)
            {
                if (webhook["clientConfig"] is not JsonObject clientConfig)
                {
                    webhook["clientConfig"] = clientConfig = [];
                }

                clientConfig["caBundle"] = bundle;
            }

            try
            {
                await api.ReplaceJsonAsync(ConfigurationPath, configuration, cancellationToken);
                LogBundlePublished(logger, options.WebhookConfigurationName, stale.Count);
                return true;
            }
            catch (KubernetesApiException ex) when (ex.StatusCode == 409)
            {
                // Another replica (or an operator) wrote it in between: read again.
            }
        }

        throw new InvalidOperationException($"the MutatingWebhookConfiguration {options.WebhookConfigurationName} kept changing under the caBundle update");
    }

    private JsonObject NewSecret(SecretCertificates content) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["type"] = "kubernetes.io/tls",
        ["metadata"] = new JsonObject
        {
            ["name"] = options.TlsSecret,
            ["namespace"] = options.Namespace,
            ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "pod-identity-webhook" },
        },
        ["data"] = content.ToData(),
    };

    private static bool IsTrue(JsonObject? annotations, string name) =>
        annotations?[name] is JsonValue value && value.TryGetValue<string>(out var text) && string.Equals(text, "true", StringComparison.OrdinalIgnoreCase);

    private static string ResourceVersion(JsonObject secret) =>
        secret["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "";

    [LoggerMessage(EventId = 503, Level = LogLevel.Information,
        Message = "Self-managed certificate: serving {Subject}, valid until {NotAfter:u}, thumbprint {Thumbprint}")]
    private static partial void LogServing(ILogger logger, string subject, DateTime notAfter, string thumbprint);

    [LoggerMessage(EventId = 504, Level = LogLevel.Information,
        Message = "Self-managed certificate: {Action} written to Secret {Namespace}/{Name} (resourceVersion {ResourceVersion})")]
    private static partial void LogWritten(ILogger logger, RenewalAction action, string @namespace, string name, string resourceVersion);

    [LoggerMessage(EventId = 505, Level = LogLevel.Information,
        Message = "Self-managed certificate: another replica wrote Secret {Namespace}/{Name} first; adopting its content")]
    private static partial void LogLostRace(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 506, Level = LogLevel.Information,
        Message = "Self-managed certificate: caBundle of {Count} webhooks of MutatingWebhookConfiguration {Name} updated")]
    private static partial void LogBundlePublished(ILogger logger, string name, int count);

    [LoggerMessage(EventId = 507, Level = LogLevel.Error,
        Message = "Self-managed certificate: sync failed ({Error}); retrying next period")]
    private static partial void LogSyncFailed(ILogger logger, string error, Exception exception);
}
