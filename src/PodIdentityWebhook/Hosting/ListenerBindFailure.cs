using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// Turns Kestrel's failure to bind a listener (port taken, address not on this machine) into
/// one line naming the flag to change, instead of an unhandled exception and a stack dump.
/// </summary>
internal static partial class ListenerBindFailure
{
    public static ConfigurationException? Describe(Exception exception, WebhookOptions options)
    {
        // Kestrel lets an address that is not on this machine through unwrapped.
        if (exception is SocketException { SocketErrorCode: SocketError.AddressNotAvailable })
        {
            return new ConfigurationException($"--bind-address: {options.BindAddress} is not an address of this machine");
        }

        if (exception is not IOException || !exception.Message.StartsWith("Failed to bind to address", StringComparison.Ordinal))
        {
            return null;
        }

        var port = PortInMessage().Match(exception.Message) is { Success: true } match ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
        var flag = port == options.MetricsPort ? "--metrics-port" : "--port";
        var address = options.BindAddress.Length == 0 ? "every interface" : options.BindAddress;
        return exception.InnerException switch
        {
            AddressInUseException => new ConfigurationException($"{flag}: port {port} on {address} is already in use by another process"),
            SocketException { SocketErrorCode: SocketError.AddressNotAvailable } =>
                new ConfigurationException($"--bind-address: {options.BindAddress} is not an address of this machine"),
            SocketException { SocketErrorCode: SocketError.AccessDenied } =>
                new ConfigurationException($"{flag}: binding port {port} is not permitted for this user (ports below 1024 need CAP_NET_BIND_SERVICE)"),
            var inner => new ConfigurationException($"{flag}: cannot listen on port {port} on {address}: {inner?.Message ?? exception.Message}"),
        };
    }

    [GeneratedRegex(@":(\d+)(?:/)?:")]
    private static partial Regex PortInMessage();
}
