using System.Collections.Concurrent;
using System.Text;
using PodIdentityWebhook.Files;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Identity;

public sealed class WatchedFileTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Start_hands_over_the_current_content_on_the_calling_thread()
    {
        var path = _directory.Write("f.txt", "one");
        string? seen = null;
        var thread = -1;
        using var file = new WatchedFile(path, bytes =>
        {
            seen = bytes is null ? null : Encoding.UTF8.GetString(bytes);
            thread = Environment.CurrentManagedThreadId;
        }, new ListLogger<WatchedFile>());

        file.Start();

        Assert.Equal("one", seen);
        Assert.Equal(Environment.CurrentManagedThreadId, thread);
    }

    [Fact]
    public void Exception_from_the_first_callback_propagates()
    {
        using var file = new WatchedFile(_directory.File("absent"), _ => throw new InvalidOperationException("no"), new ListLogger<WatchedFile>());

        Assert.Throws<InvalidOperationException>(file.Start);
    }

    [Fact]
    public async Task Polling_alone_sees_a_symlink_swap_and_reports_each_content_once()
    {
        var volume = new ConfigMapVolume(_directory.Path);
        var path = volume.Publish("key", "aaaa");
        var seen = new ConcurrentQueue<string?>();
        using var file = new WatchedFile(path, bytes => seen.Enqueue(bytes is null ? null : Encoding.UTF8.GetString(bytes)),
            new ListLogger<WatchedFile>(), TimeSpan.FromMilliseconds(50), watchDirectory: false);
        file.Start();

        volume.Publish("key", "bbbb");
        await Eventually.TrueAsync(() => seen.Contains("bbbb"), "the swapped content");
        volume.Publish("key", "bbbb");
        volume.Publish("key", "cccc");
        await Eventually.TrueAsync(() => seen.Contains("cccc"), "the next content");

        Assert.Equal(["aaaa", "bbbb", "cccc"], seen);
    }

    [Fact]
    public async Task File_truncated_then_written_in_pieces_is_read_only_once_it_rests()
    {
        var path = _directory.Write("f.txt", "good old content");
        var seen = new ConcurrentQueue<string?>();
        var settle = TimeSpan.FromMilliseconds(400);
        var time = new TimerCountingTimeProvider();
        using var file = Follow(path, seen, settle, time);

        // What `cat new > f.txt` from a slow producer looks like: empty, then a piece at a time,
        // each piece landing while the file is still settling.
        await File.WriteAllTextAsync(path, "");
        await time.TimersCreatedAsync(1, "settling after the truncation");
        await File.WriteAllTextAsync(path, "good new");
        time.Advance(settle);
        await time.TimersCreatedAsync(2, "settling again after the first piece");
        await File.WriteAllTextAsync(path, "good new content");
        time.Advance(settle);
        await time.TimersCreatedAsync(3, "settling again after the last piece");
        Assert.Equal(["good old content"], seen);

        time.Advance(settle);
        await Eventually.TrueAsync(() => seen.Contains("good new content"), "the finished content");

        Assert.Equal(["good old content", "good new content"], seen);
    }

    [Fact]
    public async Task A_change_is_not_read_before_the_settle_time()
    {
        var path = _directory.Write("f.txt", "one");
        var settle = TimeSpan.FromSeconds(1);
        var time = new TimerCountingTimeProvider();
        var reads = new ConcurrentQueue<(string? Content, DateTimeOffset At)>();
        using var file = new WatchedFile(path, bytes => reads.Enqueue((bytes is null ? null : Encoding.UTF8.GetString(bytes), time.GetUtcNow())),
            new ListLogger<WatchedFile>(), TimeSpan.FromMilliseconds(50), settleTime: settle, time: time);
        file.Start();
        var changed = time.GetUtcNow();

        await File.WriteAllTextAsync(path, "two");
        await time.TimersCreatedAsync(1, "settling after the write");
        time.Advance(settle - TimeSpan.FromMilliseconds(1));
        Assert.DoesNotContain(reads, r => r.Content == "two");
        time.Advance(TimeSpan.FromMilliseconds(1));

        // A stamp taken while the write was still landing makes the file settle once more:
        // each further wait is a new timer, advanced a whole settle period.
        var advanced = 1;
        await Eventually.TrueAsync(
            () =>
            {
                if (time.TimersCreated > advanced)
                {
                    advanced = time.TimersCreated;
                    time.Advance(settle);
                }

                return reads.Any(r => r.Content == "two");
            },
            "the new content");

        var read = reads.Single(r => r.Content == "two");
        Assert.True(read.At - changed >= settle, $"read {(read.At - changed).TotalMilliseconds} ms after the write");
    }

    [Fact]
    public void Real_path_follows_every_symlink_in_the_chain()
    {
        var volume = new ConfigMapVolume(_directory.Path);
        var path = volume.Publish("key", "x");
        var first = FileStamp.ResolveRealPath(path);
        volume.Publish("key", "y");
        var second = FileStamp.ResolveRealPath(path);

        var directory = FileStamp.ResolveRealPath(_directory.Path)!;
        Assert.Equal(Path.Combine(directory, "..2026_01", "key"), first);
        Assert.Equal(Path.Combine(directory, "..2026_02", "key"), second);
    }

    [Fact]
    public void Symlink_loop_has_no_stamp()
    {
        var a = _directory.File("a");
        var b = _directory.File("b");
        File.CreateSymbolicLink(a, b);
        File.CreateSymbolicLink(b, a);

        Assert.Null(FileStamp.ResolveRealPath(a));
        Assert.Null(FileStamp.Of(a));
    }

    /// <summary>Follows <paramref name="path"/> with a 50 ms poll, queueing each content it hands over.</summary>
    private static WatchedFile Follow(string path, ConcurrentQueue<string?> seen, TimeSpan settleTime, TimeProvider? time = null)
    {
        var file = new WatchedFile(path, bytes => seen.Enqueue(bytes is null ? null : Encoding.UTF8.GetString(bytes)),
            new ListLogger<WatchedFile>(), TimeSpan.FromMilliseconds(50), settleTime: settleTime, time: time);
        file.Start();
        return file;
    }
}
