using Microsoft.Extensions.Time.Testing;
using PodIdentityWebhook.Hosting;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Hosting;

public class ShutdownDrainTests
{
    private static Readiness SyncedReadiness() =>
        new(new ServiceAccountSnapshot([]), ConfigMapEntries.Empty);

    [Fact]
    public async Task Stopping_turns_readiness_off_at_once_and_waits_the_drain_before_the_server_stops()
    {
        var time = new FakeTimeProvider();
        var readiness = SyncedReadiness();
        var drain = new ShutdownDrain(readiness, new WebhookOptions { ShutdownDrain = TimeSpan.FromSeconds(2) }, time);
        Assert.Null(readiness.NotReadyReason());

        var stopping = drain.StoppingAsync(CancellationToken.None);

        Assert.Equal("shutting down", readiness.NotReadyReason());
        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(stopping.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_drain_of_zero_or_less_stops_at_once(int seconds)
    {
        var readiness = SyncedReadiness();
        var drain = new ShutdownDrain(readiness, new WebhookOptions { ShutdownDrain = TimeSpan.FromSeconds(seconds) }, new FakeTimeProvider());

        var stopping = drain.StoppingAsync(CancellationToken.None);

        Assert.True(stopping.IsCompletedSuccessfully);
        Assert.Equal("shutting down", readiness.NotReadyReason());
    }

    [Fact]
    public async Task The_host_s_shutdown_timeout_cuts_the_drain_short()
    {
        var time = new FakeTimeProvider();
        using var timeout = new CancellationTokenSource();
        var drain = new ShutdownDrain(SyncedReadiness(), new WebhookOptions { ShutdownDrain = TimeSpan.FromMinutes(5) }, time);

        var stopping = drain.StoppingAsync(timeout.Token);
        await timeout.CancelAsync();

        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
