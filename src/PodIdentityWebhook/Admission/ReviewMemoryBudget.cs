namespace PodIdentityWebhook.Admission;

/// <summary>
/// One process-wide budget for the memory reviews hold: their bodies as they arrive, the
/// parsed document and the answer. A review takes a <see cref="Lease"/> before it buffers a
/// byte and grows it as it needs more; what does not fit waits briefly for others to finish
/// and is then turned away (HTTP 503, the API server retries), so the sum over all peers never
/// exceeds the budget, whatever they send or fail to read.
/// </summary>
/// <remarks>
/// Leases of large reviews (<see cref="Lease.MarkLarge"/>) may use only <see cref="LargeShare"/>
/// of the budget together: however many huge reviews arrive, the ordinary few-kilobyte reviews
/// of real pods always find room, and the large arrays parsing rents (which the shared array
/// pool keeps for a while after) stay few.
/// </remarks>
internal sealed class ReviewMemoryBudget(long totalBytes, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly long _total = totalBytes;
    private readonly TimeProvider _time = time;
    private TaskCompletionSource _released = NewSignal();

    /// <summary>Whether anyone took <see cref="_released"/> since it was last signalled.</summary>
    private bool _watched;
    private long _used;
    private long _largeUsed;
    private long _peak;

    public ReviewMemoryBudget(long totalBytes)
        : this(totalBytes, TimeProvider.System)
    {
    }

    public long TotalBytes => _total;

    /// <summary>
    /// Asked before each growth that fits is granted; false refuses it as if the budget were
    /// full. Null in the product; tests set it to run out of memory at a chosen allocation.
    /// </summary>
    internal Func<bool>? Growth { get; set; }

    /// <summary>The part of the budget leases of large reviews may use together.</summary>
    public long LargeShare => _total / 4;

    public long UsedBytes
    {
        get
        {
            lock (_gate)
            {
                return _used;
            }
        }
    }

    /// <summary>The highest <see cref="UsedBytes"/> since the last call; lets a caller see a burst.</summary>
    public long TakePeak()
    {
        lock (_gate)
        {
            var peak = _peak;
            _peak = _used;
            return peak;
        }
    }

    /// <summary>Whether a lease of this size could ever be granted (else waiting is pointless).</summary>
    public bool CanEverFit(long bytes, bool large) => bytes <= (large ? LargeShare : _total);

    public Lease Open() => new(this);

    private bool TryTake(Lease lease, long newSize)
    {
        lock (_gate)
        {
            var delta = newSize - lease.Bytes;
            if (delta > 0 && (_used + delta > _total || (lease.IsLarge && _largeUsed + delta > LargeShare) || Growth?.Invoke() == false))
            {
                return false;
            }

            Apply(lease, newSize);
            return true;
        }
    }

    private void Force(Lease lease, long newSize)
    {
        lock (_gate)
        {
            Apply(lease, newSize);
        }
    }

    private void MarkLarge(Lease lease)
    {
        lock (_gate)
        {
            if (!lease.IsLarge)
            {
                lease.IsLarge = true;
                _largeUsed += lease.Bytes;
            }
        }
    }

    private void Apply(Lease lease, long newSize)
    {
        var delta = newSize - lease.Bytes;
        _used += delta;
        if (lease.IsLarge)
        {
            _largeUsed += delta;
        }

        _peak = Math.Max(_peak, _used);
        lease.Bytes = newSize;
        if (delta < 0 && _watched)
        {
            // Wake every waiter; each checks again whether it fits now. With nobody waiting
            // (nearly always) the signal stays as it is: a new one per release was an
            // allocation and a completion per review for nothing.
            _released.TrySetResult();
            _released = NewSignal();
            _watched = false;
        }
    }

    private Task ReleasedSignal()
    {
        lock (_gate)
        {
            _watched = true;
            return _released.Task;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The bytes one review holds; disposing it gives them back.</summary>
    internal sealed class Lease(ReviewMemoryBudget budget) : IDisposable
    {
        public long Bytes { get; internal set; }

        /// <summary>Whether this is a large review's lease, limited to <see cref="LargeShare"/>.</summary>
        public bool IsLarge { get; internal set; }

        /// <summary>Counts this lease as a large review's from now on.</summary>
        public void MarkLarge() => budget.MarkLarge(this);

        /// <summary>
        /// Grows the lease to <paramref name="size"/> bytes, waiting up to <paramref name="wait"/>
        /// for room. False when there is none by then; the lease keeps what it had.
        /// </summary>
        public async ValueTask<bool> TryGrowAsync(long size, TimeSpan wait, CancellationToken cancellationToken)
        {
            if (size <= Bytes || budget.TryTake(this, size))
            {
                return true;
            }

            if (!budget.CanEverFit(size, IsLarge))
            {
                return false;
            }

            var deadline = budget._time.GetTimestamp() + (long)(wait.TotalSeconds * budget._time.TimestampFrequency);
            while (true)
            {
                var released = budget.ReleasedSignal();
                if (budget.TryTake(this, size))
                {
                    return true;
                }

                var left = budget._time.GetElapsedTime(budget._time.GetTimestamp(), deadline);
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                try
                {
                    await released.WaitAsync(left, budget._time, cancellationToken);
                }
                catch (TimeoutException)
                {
                    return budget.TryTake(this, size);
                }
            }
        }

        /// <summary>Takes <paramref name="bytes"/> more at once, without waiting; false when they do not fit.</summary>
        public bool TryAdd(long bytes) => budget.TryTake(this, Bytes + bytes);

        /// <summary>Gives back <paramref name="bytes"/> of what <see cref="TryAdd"/> took.</summary>
        public void Remove(long bytes) => budget.Force(this, Math.Max(0, Bytes - bytes));

        public void Dispose() => budget.Force(this, 0);
    }
}
