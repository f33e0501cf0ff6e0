using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Benchmarks;

/// <summary>
/// The admission hot path as the server runs it: review bytes in, response review bytes
/// out, through the real resolver over 1,000 cached ServiceAccounts. The output buffer is
/// reused across calls the way a server reuses pooled buffers; everything the handler
/// allocates is counted.
/// </summary>
[Config(typeof(ShortRunConfig))]
public class ReviewBenchmarks : IDisposable
{
    private AdmissionReviewHandler _handler = null!;
    private PodMutator _mutator = null!;
    private PodIdentity _identity = null!;
    private PooledBufferWriter _output = null!;
    private ReadOnlySequence<byte> _oneContainerReview;
    private ReadOnlySequence<byte> _tenContainerReview;
    private PartialJsonDocument _oneContainerPod = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = ReviewFixtures.Options;
        var resolver = new IdentityResolver(
            options, ReviewFixtures.ServiceAccounts(), ConfigMapEntries.Empty, ContainerCredentialsIdentities.Empty);
        _mutator = new PodMutator(MutationSettings.From(options), SharedRandomSource.Instance);
        _handler = new AdmissionReviewHandler(resolver, _mutator);
        _identity = resolver.Resolve(ReviewFixtures.Namespace, ReviewFixtures.ServiceAccountName,
            ReviewFixtures.ServiceAccounts().Find(ReviewFixtures.Namespace, ReviewFixtures.ServiceAccountName)).Identity!;
        _output = new PooledBufferWriter();
        _oneContainerReview = new ReadOnlySequence<byte>(ReviewFixtures.OneContainerReview());
        _tenContainerReview = new ReadOnlySequence<byte>(ReviewFixtures.TenContainerReview());
        _oneContainerPod = PartialJsonDocument.Parse(ReviewFixtures.OneContainerPod(), ReviewShapes.Pod, AdmissionReviewHandler.MaxDepth);

        // A benchmark of a path that refuses the pod would measure the wrong thing.
        RequirePatch(nameof(OneContainerReview), OneContainerReview());
        RequirePatch(nameof(TenContainerReview), TenContainerReview());
        Console.WriteLine($"// review sizes: 1 container {_oneContainerReview.Length} B, 10 containers {_tenContainerReview.Length} B");
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _output.Dispose();
        _oneContainerPod.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public object OneContainerReview() => Handle(_oneContainerReview);

    [Benchmark]
    public object TenContainerReview() => Handle(_tenContainerReview);

    /// <summary>The review read as the path reads it: only the members the webhook uses are kept.</summary>
    [Benchmark]
    public int ReadOneContainerReview()
    {
        using var document = PartialJsonDocument.Parse(_oneContainerReview.First, ReviewShapes.Review, AdmissionReviewHandler.MaxDepth);
        return (int)document.RootElement.ValueKind;
    }

    /// <summary>For comparison: the framework's whole document of the same bytes, which the path read until 2026-12-05.</summary>
    [Benchmark]
    public int ParseOneContainerReview()
    {
        using var document = JsonDocument.Parse(_oneContainerReview);
        return (int)document.RootElement.ValueKind;
    }

    /// <summary>The floor of any System.Text.Json approach: tokenizing the bytes once.</summary>
    [Benchmark]
    public int TokenizeOneContainerReview()
    {
        var reader = new Utf8JsonReader(_oneContainerReview);
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }

    [Benchmark]
    public object MutateOneContainerPod()
    {
        _output.Clear();
        return _mutator.Mutate(_oneContainerPod.RootElement, _identity, _output);
    }

    private AdmissionOutcome Handle(ReadOnlySequence<byte> body)
    {
        _output.Clear();
        var pending = _handler.HandleAsync(body, _output, CancellationToken.None);

        // The resolver answers cache hits synchronously, so this never blocks.
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    private void RequirePatch(string name, object result)
    {
        if (result is not AdmissionOutcome { Decision.Mutation.HasPatch: true })
        {
            throw new InvalidOperationException($"{name}: expected a patch, got {result}");
        }

        using var response = JsonDocument.Parse(_output.WrittenMemory);
        if (!response.RootElement.GetProperty("response").TryGetProperty("patch", out _))
        {
            throw new InvalidOperationException($"{name}: the response carries no patch");
        }
    }
}
