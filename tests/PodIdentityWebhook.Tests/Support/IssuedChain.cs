using System.Security.Cryptography.X509Certificates;

namespace PodIdentityWebhook.Tests.Support;

/// <summary>A leaf issued through an intermediate: the PEM pair (leaf + intermediate), the leaf alone, the root to trust.</summary>
internal sealed record IssuedChain(ServingPair Pair, string LeafOnlyPem, X509Certificate2 Root, string IntermediateThumbprint);
