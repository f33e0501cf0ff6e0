using System.Buffers;

namespace PodIdentityWebhook.Admission;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over rented arrays, so a review allocates almost nothing.
/// Arrays above <see cref="MaxPooledBytes"/> (a rare, large review: an ordinary one needs a few
/// kilobytes) are plain allocations the GC takes back, not pooled: the shared pool keeps what
/// it is given for a minute or more, and a burst of large reviews would stay in memory.
/// </summary>
/// <remarks>
/// With a <see cref="ReviewMemoryBudget.Lease"/>, every array it holds is counted in the
/// process-wide budget (growing past it throws <see cref="ReviewMemoryExhaustedException"/>);
/// with a limit, it never holds more than that many bytes (<see cref="BufferLimitException"/>),
/// which is what bounds a patch however many containers a pod has.
/// </remarks>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    public const int MaxPooledBytes = 64 * 1024;

    private readonly ReviewMemoryBudget.Lease? _lease;
    private readonly long _limit;
    private byte[] _buffer;
    private int _written;

    public PooledBufferWriter(int initialCapacity = 4096, ReviewMemoryBudget.Lease? lease = null, long limit = int.MaxValue)
    {
        _lease = lease;
        _limit = limit;
        _buffer = Allocate((int)Math.Min(initialCapacity, limit));
    }

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public int WrittenCount => _written;

    /// <summary>Bytes held, written or not.</summary>
    public int Capacity => _buffer.Length;

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void Clear() => _written = 0;

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        Return(buffer);
    }

    /// <summary>
    /// What the buffer grows to when <paramref name="needed"/> bytes must fit: double, or what
    /// is needed, never past the limit. A caller that pays for memory ahead (the review body
    /// reader, which may wait for room) asks this first.
    /// </summary>
    public long GrownCapacity(long needed) => needed <= _buffer.Length ? _buffer.Length : Math.Min(Math.Max(needed, _buffer.Length * 2L), _limit);

    private void Ensure(int sizeHint)
    {
        var needed = (long)_written + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length)
        {
            return;
        }

        if (needed > _limit)
        {
            throw new BufferLimitException(_limit);
        }

        var larger = Allocate((int)GrownCapacity(needed));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        Return(_buffer);
        _buffer = larger;
    }

    private byte[] Allocate(int size)
    {
        var buffer = size > MaxPooledBytes ? GC.AllocateUninitializedArray<byte>(size) : ArrayPool<byte>.Shared.Rent(size);
        if (_lease is not null && !_lease.TryAdd(buffer.Length))
        {
            ReturnToPool(buffer);
            throw new ReviewMemoryExhaustedException(buffer.Length);
        }

        return buffer;
    }

    private void Return(byte[] buffer)
    {
        _lease?.Remove(buffer.Length);
        ReturnToPool(buffer);
    }

    private static void ReturnToPool(byte[] buffer)
    {
        if (buffer.Length is > 0 and <= MaxPooledBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
