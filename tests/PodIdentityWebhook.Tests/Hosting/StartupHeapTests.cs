using PodIdentityWebhook.Hosting;

namespace PodIdentityWebhook.Tests.Hosting;

/// <summary>
/// How large the start's no-GC region is for a heap: a quarter of what the heap may use, capped,
/// and none where that is too small to matter. The region itself is proven on the published
/// binary (E2E <c>StartupHeapTests</c>): it is process-wide, so a unit test cannot open it
/// without changing every other test's collections.
/// </summary>
public sealed class StartupHeapTests
{
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData(24L * 1024, 64)] // a node's memory, no container limit: the cap
    [InlineData(256, 64)]
    [InlineData(192, 48)] // the chart's 256Mi limit leaves the GC 75% of it
    [InlineData(64, 16)]
    [InlineData(63, 0)] // a quarter is under the smallest region worth opening
    [InlineData(48, 0)]
    [InlineData(0, 0)]
    public void The_region_is_a_quarter_of_the_heap_between_16_and_64_MiB(long availableMiB, long regionMiB)
    {
        Assert.Equal(regionMiB * MiB, StartupHeap.RegionBytes(availableMiB * MiB));
    }

    [Fact]
    public void Ending_a_region_that_was_never_opened_does_nothing()
    {
        Assert.False(StartupHeap.IsOpen);
        Assert.False(StartupHeap.End());
    }
}
