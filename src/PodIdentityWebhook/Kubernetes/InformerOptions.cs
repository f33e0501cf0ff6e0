namespace PodIdentityWebhook.Kubernetes;

/// <summary>How an <see cref="Informer{TObject, T}"/> lists and watches its collection, and its timing.</summary>
internal sealed record InformerOptions
{
    public ListOptions List { get; init; } = new();

    /// <summary>How often the cache is re-delivered to the handler (--resync-period); zero turns it off.</summary>
    public TimeSpan ResyncPeriod { get; init; }

    /// <summary>
    /// The shortest watch timeoutSeconds; each watch picks between this and twice it, so
    /// many webhook replicas do not all re-watch at once (client-go's 5 to 10 minutes).
    /// </summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The first delay after an error; it doubles on each further error.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between attempts.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A watch that ends sooner than this without delivering anything counts as a failure,
    /// so a server that closes every watch at once is not hammered.
    /// </summary>
    public TimeSpan MinHealthyWatch { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Called after each complete list (the first sync and every re-list); must be quick.</summary>
    public Action? Listed { get; init; }

    /// <summary>Called each time a watch starts after the first one (it ended, broke or expired); must be quick.</summary>
    public Action? WatchRestarted { get; init; }

    /// <summary>These options reporting lists and watch restarts to <paramref name="listed"/> and <paramref name="watchRestarted"/>.</summary>
    public InformerOptions Reporting(Action listed, Action watchRestarted) => this with { Listed = listed, WatchRestarted = watchRestarted };
}
