using System.Buffers;
using System.Text.Json;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Telemetry;

namespace PodIdentityWebhook.Admission;

/// <summary>
/// Turns one AdmissionReview body into a response review: validates the envelope, resolves
/// the pod's identity, runs the pure mutation core and writes the answer. No HTTP here, so
/// the same code serves the endpoint, the tests and the benchmarks.
/// </summary>
internal sealed class AdmissionReviewHandler(IdentityResolver resolver, PodMutator mutator)
{
    /// <summary>Deepest JSON nesting accepted; deeper bodies are answered 400.</summary>
    public const int MaxDepth = 256;

    /// <param name="lease">
    /// When given, the patch is counted in it (see <see cref="ReviewMemoryBudget"/>); running out
    /// throws <see cref="ReviewMemoryExhaustedException"/>.
    /// </param>
    public async ValueTask<AdmissionOutcome> HandleAsync(
        ReadOnlySequence<byte> body, PooledBufferWriter output, CancellationToken cancellationToken,
        ReviewMemoryBudget.Lease? lease = null)
    {
        var json = body.IsSingleSegment ? body.First : body.ToArray();
        PartialJsonDocument document;
        try
        {
            document = PartialJsonDocument.Parse(json, ReviewShapes.Review, MaxDepth);
        }
        catch (JsonException ex)
        {
            return AdmissionOutcome.BadRequest($"the body is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            // Past this check no string of the review fails to read, so whatever resolving or
            // mutating throws is the webhook's fault and reaches the endpoint as one.
            if (ReviewText.Problem(json.Span, MaxDepth) is { } problem)
            {
                return AdmissionOutcome.BadRequest($"the review cannot be read: {problem}");
            }

            return await HandleAsync(document, output, lease, cancellationToken);
        }
    }

    private async ValueTask<AdmissionOutcome> HandleAsync(
        PartialJsonDocument document, PooledBufferWriter output, ReviewMemoryBudget.Lease? lease, CancellationToken cancellationToken)
    {
        if (!ReviewEnvelope.TryRead(document.RootElement, out var envelope, out var envelopeError))
        {
            return AdmissionOutcome.BadRequest(envelopeError);
        }

        if (!PodRequest.TryRead(envelope.Request, out var pod, out var podError))
        {
            AdmissionResponseWriter.Write(output, envelope.ApiVersion, envelope.Uid, patch: default, refusal: podError);
            return new AdmissionOutcome(200, podError, null, NotMutatedReasons.InvalidPod);
        }

        var resolution = await resolver.ResolveAsync(pod.Namespace, pod.ServiceAccount, cancellationToken);
        if (resolution.Identity is not { } identity)
        {
            AdmissionResponseWriter.Write(output, envelope.ApiVersion, envelope.Uid, patch: default, refusal: null);
            var why = resolution.ServiceAccountFound ? NotMutatedReasons.NoIdentity : NotMutatedReasons.ServiceAccountNotFound;
            return new AdmissionOutcome(200, null, pod.Decide(null, null, resolution.Reason), why);
        }

        using var patch = new PooledBufferWriter(2048, lease, AdmissionConstants.MaxPatchBytes);
        MutationResult mutation;
        try
        {
            mutation = mutator.Mutate(pod.Object, identity, patch);
        }
        catch (Exception ex) when (ex is PodShapeException or BufferLimitException)
        {
            var refusal = ex is BufferLimitException
                ? $"the pod cannot be mutated: its patch would exceed {AdmissionConstants.MaxPatchBytes} bytes ({ContainerCount(pod.Object)} containers); no pod a cluster can run needs that many"
                : $"the pod cannot be mutated: {ex.Message}";
            AdmissionResponseWriter.Write(output, envelope.ApiVersion, envelope.Uid, patch: default, refusal: refusal);
            return new AdmissionOutcome(200, refusal, pod.Decide(identity, null, refusal), NotMutatedReasons.Refused);
        }

        AdmissionResponseWriter.Write(output, envelope.ApiVersion, envelope.Uid, patch.WrittenSpan, refusal: null);
        var reason = mutation.HasPatch ? null : "the pod already has everything";
        return new AdmissionOutcome(200, null, pod.Decide(identity, mutation, reason), mutation.HasPatch ? null : NotMutatedReasons.AlreadyMutated);
    }

    private static int ContainerCount(PartialJsonElement pod)
    {
        var count = 0;
        if (pod.TryGetProperty("spec", out var spec) && spec.ValueKind == JsonValueKind.Object)
        {
            foreach (var list in (ReadOnlySpan<string>)["initContainers", "containers"])
            {
                if (spec.TryGetProperty(list, out var items) && items.ValueKind == JsonValueKind.Array)
                {
                    count += items.GetArrayLength();
                }
            }
        }

        return count;
    }
}
