using System.Text.Json;
using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Admission;

/// <summary>The parts of an AdmissionReview the response must echo.</summary>
internal readonly record struct ReviewEnvelope(string ApiVersion, string Uid, PartialJsonElement Request)
{
    public static bool TryRead(PartialJsonElement root, out ReviewEnvelope envelope, out string error)
    {
        envelope = default;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"an AdmissionReview must be a JSON object, not {PodJson.Describe(root.ValueKind)}";
            return false;
        }

        if (!root.TryGetProperty("apiVersion"u8, out var apiVersion) || apiVersion.ValueKind != JsonValueKind.String)
        {
            error = "apiVersion is missing; expected admission.k8s.io/v1 or admission.k8s.io/v1beta1";
            return false;
        }

        string version;
        if (apiVersion.ValueEquals(AdmissionConstants.AdmissionV1))
        {
            version = AdmissionConstants.AdmissionV1;
        }
        else if (apiVersion.ValueEquals(AdmissionConstants.AdmissionV1Beta1))
        {
            version = AdmissionConstants.AdmissionV1Beta1;
        }
        else
        {
            error = "unsupported apiVersion; expected admission.k8s.io/v1 or admission.k8s.io/v1beta1";
            return false;
        }

        if (!root.TryGetProperty("kind"u8, out var kind) || kind.ValueKind != JsonValueKind.String
            || !kind.ValueEquals(AdmissionConstants.AdmissionReviewKind))
        {
            error = "kind must be AdmissionReview";
            return false;
        }

        if (!root.TryGetProperty("request"u8, out var request) || request.ValueKind != JsonValueKind.Object)
        {
            error = "request is missing or not an object";
            return false;
        }

        if (!request.TryGetProperty("uid"u8, out var uid) || uid.ValueKind != JsonValueKind.String
            || uid.GetString() is not { Length: > 0 } uidText)
        {
            error = "request.uid is missing or empty";
            return false;
        }

        envelope = new ReviewEnvelope(version, uidText, request);
        error = "";
        return true;
    }
}
