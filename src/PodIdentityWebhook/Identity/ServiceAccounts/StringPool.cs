namespace PodIdentityWebhook.Identity;

/// <summary>
/// A small, bounded intern pool. On a cluster where thousands of ServiceAccounts name the
/// same few roles, each distinct value is stored once. Once full it stops adding, so a
/// cluster where every value is distinct pays nothing beyond the first entries.
/// </summary>
internal sealed class StringPool(int capacity = StringPool.DefaultCapacity)
{
    public const int DefaultCapacity = 4096;

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _values.Count;
            }
        }
    }

    /// <summary>The pooled instance equal to <paramref name="value"/>, pooling it when there is room.</summary>
    public string Intern(string value)
    {
        lock (_gate)
        {
            if (_values.TryGetValue(value, out var pooled))
            {
                return pooled;
            }

            if (_values.Count < capacity)
            {
                _values.Add(value, value);
            }

            return value;
        }
    }
}
