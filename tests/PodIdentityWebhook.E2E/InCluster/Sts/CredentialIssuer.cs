using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>
/// Mints temporary credentials for a role session in the shapes AWS uses (ASIA access key
/// IDs, 40-character secrets, AROA role IDs) and remembers them, so a request signed with
/// them can be verified and attributed.
/// </summary>
internal sealed class CredentialIssuer(string accountId, TimeProvider clock)
{
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private readonly ConcurrentDictionary<string, IssuedCredentials> _byAccessKey = new(StringComparer.Ordinal);

    public string AccountId => accountId;

    public IssuedCredentials Issue(string roleArn, string sessionName, string subject, TimeSpan lifetime)
    {
        var roleName = roleArn[(roleArn.LastIndexOf('/') + 1)..];
        var credentials = new IssuedCredentials(
            "ASIA" + RandomNumberGenerator.GetString(Upper, 16),
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)),
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(120)),
            clock.GetUtcNow() + lifetime,
            roleArn,
            $"arn:aws:sts::{accountId}:assumed-role/{roleName}/{sessionName}",
            RoleId(roleArn) + ":" + sessionName,
            subject);
        _byAccessKey[credentials.AccessKeyId] = credentials;
        return credentials;
    }

    public IssuedCredentials? Find(string accessKeyId) => _byAccessKey.GetValueOrDefault(accessKeyId);

    /// <summary>A role's unique ID is stable for the role, as IAM's is: derived from its ARN.</summary>
    private static string RoleId(string roleArn)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(roleArn));
        return "AROA" + new string([.. hash.Take(17).Select(b => Upper[b % Upper.Length])]);
    }
}
