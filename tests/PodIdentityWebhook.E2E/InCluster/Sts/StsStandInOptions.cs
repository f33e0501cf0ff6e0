using System.Net;

namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>
/// What the stand-in listens on and what it trusts. One OIDC provider (the cluster's
/// ServiceAccount issuer) is registered in the account, with <see cref="ProviderAudiences"/>
/// as its client IDs, as `eksctl utils associate-iam-oidc-provider` registers it.
/// </summary>
internal sealed record StsStandInOptions
{
    /// <summary>The address to listen on: the node's IP so pods reach it, or loopback for host processes.</summary>
    public required IPAddress Address { get; init; }

    /// <summary>0 takes any free port; <see cref="StsStandIn.Port"/> says which.</summary>
    public int Port { get; init; }

    public required string Issuer { get; init; }

    /// <summary>The CA the issuer's discovery document and JWKS are served under.</summary>
    public required string IssuerCaPem { get; init; }

    public string AccountId { get; init; } = "111122223333";

    public IReadOnlyList<string> ProviderAudiences { get; init; } = ["sts.amazonaws.com"];

    public IReadOnlyList<TrustedRole> Roles { get; init; } = [];

    public IReadOnlyList<PodIdentityAssociation> Associations { get; init; } = [];

    /// <summary>The stand-in's clock, which a test may move to make a real token expire.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
