using Microsoft.Extensions.Time.Testing;
using PodIdentityWebhook.Admission;

namespace PodIdentityWebhook.Tests.Admission;

/// <summary>
/// Waiting for room: a review that does not fit waits until another gives memory back, and
/// is woken by that release, not by its own deadline. The clock is fake and never moves, so a
/// waiter that was not woken stays pending and the test fails.
/// </summary>
public class ReviewMemoryBudgetTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Every_waiter_that_fits_is_woken_when_a_lease_is_given_back()
    {
        var budget = new ReviewMemoryBudget(100, new FakeTimeProvider());
        using var holder = budget.Open();
        Assert.True(await holder.TryGrowAsync(100, Wait, CancellationToken.None));

        using var first = budget.Open();
        using var second = budget.Open();
        var firstGrow = first.TryGrowAsync(40, Wait, CancellationToken.None).AsTask();
        var secondGrow = second.TryGrowAsync(40, Wait, CancellationToken.None).AsTask();
        Assert.False(firstGrow.IsCompleted);
        Assert.False(secondGrow.IsCompleted);

        holder.Dispose();

        Assert.True(await firstGrow.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await secondGrow.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(80, budget.UsedBytes);
    }

    [Fact]
    public async Task A_waiter_arriving_after_releases_nobody_waited_for_is_still_woken()
    {
        var budget = new ReviewMemoryBudget(100, new FakeTimeProvider());
        using var holder = budget.Open();
        Assert.True(await holder.TryGrowAsync(100, Wait, CancellationToken.None));

        // Releases with nobody waiting, as every ordinary review makes.
        holder.Remove(10);
        Assert.True(holder.TryAdd(10));
        holder.Remove(5);
        Assert.True(holder.TryAdd(5));

        using var waiter = budget.Open();
        var grow = waiter.TryGrowAsync(30, Wait, CancellationToken.None).AsTask();
        Assert.False(grow.IsCompleted);

        holder.Remove(20);
        Assert.False(grow.IsCompleted);
        holder.Remove(10);

        Assert.True(await grow.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(100, budget.UsedBytes);
    }

    [Fact]
    public async Task A_waiter_gives_up_at_its_deadline_when_nothing_is_given_back()
    {
        var time = new FakeTimeProvider();
        var budget = new ReviewMemoryBudget(100, time);
        using var holder = budget.Open();
        Assert.True(await holder.TryGrowAsync(100, Wait, CancellationToken.None));

        using var waiter = budget.Open();
        var grow = waiter.TryGrowAsync(30, Wait, CancellationToken.None).AsTask();
        time.Advance(Wait - TimeSpan.FromMilliseconds(1));
        Assert.False(grow.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(await grow.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, waiter.Bytes);
    }
}
