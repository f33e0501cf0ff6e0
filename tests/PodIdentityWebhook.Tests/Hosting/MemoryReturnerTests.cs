using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Hosting;

namespace PodIdentityWebhook.Tests.Hosting;

public class MemoryReturnerTests
{
    [Fact]
    public async Task Every_look_trims_the_native_heap_even_while_reviews_hold_memory()
    {
        var budget = new ReviewMemoryBudget(1024 * 1024);
        using var lease = budget.Open();
        Assert.True(await lease.TryGrowAsync(4096, TimeSpan.Zero, CancellationToken.None));
        var returner = new MemoryReturner(budget, NullLogger<MemoryReturner>.Instance, new FakeTimeProvider());

        // Reviews hold memory, so no look collects; each still trims the native heap.
        var before = NativeHeap.Trims;
        Assert.False(returner.Check());
        Assert.False(returner.Check());

        // Other tests may trim too; these two looks must have trimmed at least twice.
        Assert.True(NativeHeap.Trims >= before + 2, $"trims went from {before} to {NativeHeap.Trims}");
    }

    [Fact]
    public void The_first_look_gives_back_the_pages_start_up_touched()
    {
        var returner = new MemoryReturner(new ReviewMemoryBudget(1024 * 1024), NullLogger<MemoryReturner>.Instance, new FakeTimeProvider());
        var before = MappedFiles.Releases;

        returner.Check();

        // Other tests may release too; this look must have released at least once.
        Assert.True(MappedFiles.Releases >= before + 1, $"releases went from {before} to {MappedFiles.Releases}");
    }
}
