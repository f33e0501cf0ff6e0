using System.Buffers;
using System.Text;
using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Admission;

/// <summary>
/// A review whose text cannot be read is the client's fault (400); anything that fails after
/// the text has been checked is the webhook's own, and must never be reported as a bad review.
/// </summary>
public class ReviewHandlerFaultTests
{
    private const string RoleArn = "arn:aws:iam::111122223333:role/s3-reader";

    private sealed class Accounts(Func<ServiceAccountIdentity?> find) : IServiceAccountSource
    {
        public bool HasSynced => true;

        public ServiceAccountIdentity? Find(string @namespace, string name) => find();

        public int Count => 0;

        public IReadOnlyCollection<ServiceAccountIdentity> All() => [];
    }

    private static AdmissionReviewHandler Handler(Func<ServiceAccountIdentity?> find)
    {
        var options = new WebhookOptions { AwsDefaultRegion = "us-west-2" };
        var resolver = new IdentityResolver(options, new Accounts(find), ConfigMapEntries.Empty, ContainerCredentialsIdentities.Empty);
        return new AdmissionReviewHandler(resolver, new PodMutator(MutationSettings.From(options), FixedRandomSource.LowerBound));
    }

    private static AdmissionReviewHandler Annotated() =>
        Handler(() => new ServiceAccountIdentity("default", "s3-reader", "1", RoleArn, "sts.amazonaws.com", false, 86400));

    /// <summary>The sample review with <paramref name="value"/> (raw JSON string text) as a container's env value.</summary>
    private static byte[] ReviewWithEnvValue(string value)
    {
        var json = Reviews.For(Reviews.SamplePod()).ToJsonString()
            .Replace("\"name\":\"app\",", "\"name\":\"app\",\"env\":[{\"name\":\"X\",\"value\":\"@VALUE@\"}],", StringComparison.Ordinal);
        Assert.Contains("@VALUE@", json, StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(json.Replace("@VALUE@", value, StringComparison.Ordinal));
    }

    private static async Task<AdmissionOutcome> HandleAsync(AdmissionReviewHandler handler, byte[] body)
    {
        using var output = new PooledBufferWriter();
        return await handler.HandleAsync(new ReadOnlySequence<byte>(body), output, CancellationToken.None);
    }

    [Fact]
    public async Task A_resolution_failure_reaches_the_endpoint_as_the_webhook_s_fault()
    {
        var handler = Handler(() => throw new InvalidOperationException("cache corrupted"));

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => HandleAsync(handler, ReviewWithEnvValue("plain")));

        Assert.Equal("cache corrupted", thrown.Message);
    }

    [Theory]
    [InlineData(@"\ud800", "cannot be decoded")]
    [InlineData(@"a\udc00b", "cannot be decoded")]
    [InlineData(@"\ud800\u0041", "cannot be decoded")]
    public async Task An_escaped_half_surrogate_pair_is_a_bad_review(string value, string expected)
    {
        var outcome = await HandleAsync(Annotated(), ReviewWithEnvValue(value));

        Assert.Equal(400, outcome.StatusCode);
        Assert.Contains(expected, outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_that_are_not_UTF8_are_a_bad_review()
    {
        var body = ReviewWithEnvValue("@@");
        var at = Array.IndexOf(body, (byte)'@');
        body[at] = 0xC0;
        body[at + 1] = 0xAF;

        var outcome = await HandleAsync(Annotated(), body);

        Assert.Equal(400, outcome.StatusCode);
        Assert.Contains("not valid UTF-8", outcome.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"\ud83d\ude00")]
    [InlineData(@"\\ud800")]
    [InlineData(@"\u0026 and \u003c")]
    public async Task Escapes_that_decode_are_mutated(string value)
    {
        var outcome = await HandleAsync(Annotated(), ReviewWithEnvValue(value));

        Assert.True(outcome.StatusCode == 200, outcome.Error);
        Assert.Null(outcome.Error);
    }
}
