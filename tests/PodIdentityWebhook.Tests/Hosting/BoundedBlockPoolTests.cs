using System.Buffers;
using PodIdentityWebhook.Hosting;

namespace PodIdentityWebhook.Tests.Hosting;

public class BoundedBlockPoolTests
{
    [Fact]
    public void A_returned_block_is_rented_again_instead_of_a_new_one()
    {
        using var pool = new BoundedBlockPool();
        var first = pool.Rent();
        var memory = first.Memory;
        first.Dispose();

        using var second = pool.Rent();

        Assert.Same(first, second);
        Assert.True(second.Memory.Span == memory.Span, "the block's memory changed between rents");
    }

    [Fact]
    public async Task A_block_returned_on_another_thread_is_reused()
    {
        // Kestrel rents a block on the thread that reads a socket and often returns it on another.
        using var pool = new BoundedBlockPool();
        var block = pool.Rent();
        await Task.Run(block.Dispose);

        using var again = pool.Rent();

        Assert.Same(block, again);
    }

    [Fact]
    public void Blocks_are_four_kibibytes_and_larger_rents_are_refused()
    {
        using var pool = new BoundedBlockPool();
        using var block = pool.Rent();

        Assert.Equal(BoundedBlockPool.BlockSize, block.Memory.Length);
        Assert.Equal(BoundedBlockPool.BlockSize, pool.MaxBufferSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(BoundedBlockPool.BlockSize + 1));
    }

    [Fact]
    public void At_most_the_idle_limit_of_blocks_is_kept_after_a_burst()
    {
        using var pool = new BoundedBlockPool();
        var burst = Enumerable.Range(0, BoundedBlockPool.MaxIdleBlocks + 100).Select(_ => pool.Rent()).ToList();
        foreach (var block in burst)
        {
            block.Dispose();
        }

        // The first blocks returned are kept; the hundred past the limit are left to the GC.
        var kept = new HashSet<IMemoryOwner<byte>>(burst.Take(BoundedBlockPool.MaxIdleBlocks), ReferenceEqualityComparer.Instance);
        var rentedAgain = Enumerable.Range(0, BoundedBlockPool.MaxIdleBlocks + 100).Select(_ => pool.Rent()).ToList();

        Assert.Equal(BoundedBlockPool.MaxIdleBlocks, rentedAgain.Count(kept.Contains));
        Assert.Equal(100, rentedAgain.Count(b => !burst.Contains(b)));
    }
}
