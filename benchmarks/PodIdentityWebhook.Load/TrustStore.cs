namespace PodIdentityWebhook.Load;

/// <summary>
/// The CA store a measured webhook reads. <c>host</c>: the machine's, as the process finds it.
/// <c>image</c>: the CA bundle alone, as in the image, which carries
/// <c>/etc/ssl/certs/ca-certificates.crt</c> and neither OpenSSL's folder of one file per
/// certificate nor its <c>cert.pem</c>: <c>SSL_CERT_FILE</c> names the bundle and
/// <c>SSL_CERT_DIR</c> an empty folder, so .NET reads each certificate once, as there.
/// </summary>
internal sealed class TrustStore : IDisposable
{
    /// <summary>Where Debian and Ubuntu, and so the image, keep the bundle.</summary>
    private const string Bundle = "/etc/ssl/certs/ca-certificates.crt";

    private readonly string? _emptyFolder;

    private TrustStore(string description, IReadOnlyDictionary<string, string>? environment, string? emptyFolder)
    {
        Description = description;
        Environment = environment;
        _emptyFolder = emptyFolder;
    }

    public string Description { get; }

    /// <summary>Variables for the webhook's process; null for the machine's store.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; }

    public static TrustStore For(string name)
    {
        switch (name)
        {
            case "host":
                return new TrustStore("trust store: the machine's (--trust-store image: the image's bundle alone)", null, null);
            case "image":
                if (!File.Exists(Bundle))
                {
                    throw new ArgumentException($"--trust-store image needs the CA bundle at {Bundle} (Debian's ca-certificates package)");
                }

                var folder = Directory.CreateTempSubdirectory("piw-no-certs-").FullName;
                return new TrustStore(
                    $"trust store: the image's, {Bundle} alone (SSL_CERT_FILE, and SSL_CERT_DIR an empty folder)",
                    new Dictionary<string, string> { ["SSL_CERT_FILE"] = Bundle, ["SSL_CERT_DIR"] = folder },
                    folder);
            default:
                throw new ArgumentException($"--trust-store is host or image, not \"{name}\"");
        }
    }

    public void Dispose()
    {
        if (_emptyFolder is not null)
        {
            Directory.Delete(_emptyFolder, recursive: true);
        }
    }
}
