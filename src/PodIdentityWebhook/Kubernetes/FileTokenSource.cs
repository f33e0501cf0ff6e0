using PodIdentityWebhook.Identity;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// A token kept in a file: the projected service-account token, which the kubelet rotates
/// (by a symlink swap), or a kubeconfig <c>tokenFile</c>. The file is read again when its
/// stamp changes and at least every <see cref="RefreshInterval"/>, as client-go does; a
/// read that fails keeps the last good token, so a rotation in progress never breaks a request.
/// </summary>
internal sealed class FileTokenSource : IBearerTokenSource
{
    /// <summary>client-go's cachingTokenSource period for the in-cluster token.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private string _token;
    private FileStamp? _stamp;
    private DateTimeOffset _readAt;

    private FileTokenSource(string path, string token, FileStamp? stamp, TimeProvider time)
    {
        Path = path;
        _token = token;
        _stamp = stamp;
        _time = time;
        _readAt = time.GetUtcNow();
    }

    public string Path { get; }

    /// <summary>Reads the token once; a missing, unreadable or empty file stops startup.</summary>
    /// <param name="where">Names the source in the error, e.g. <c>--kubeconfig /x: user "u" tokenFile</c>.</param>
    public static FileTokenSource Open(string path, string where, TimeProvider? time = null)
    {
        var stamp = FileStamp.Of(path);
        string token;
        try
        {
            token = File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubernetesConfigException($"{where} {path}: cannot read the token: {ex.Message}", ex);
        }

        if (token.Length == 0)
        {
            throw new KubernetesConfigException($"{where} {path}: the token file is empty");
        }

        return new FileTokenSource(path, token, stamp, time ?? TimeProvider.System);
    }

    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var stamp = FileStamp.Of(Path);
            if (stamp != _stamp || now - _readAt >= RefreshInterval)
            {
                TryReload(stamp, now);
            }

            return ValueTask.FromResult(_token);
        }
    }

    public override string ToString() => "token file " + Path;

    private void TryReload(FileStamp? stamp, DateTimeOffset now)
    {
        try
        {
            var token = File.ReadAllText(Path).Trim();
            if (token.Length > 0)
            {
                _token = token;
                _stamp = stamp;
                _readAt = now;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Keep the last good token; the API server's 401 will say if it has expired.
        }
    }
}
