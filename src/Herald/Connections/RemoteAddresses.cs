using System.Net;

namespace Herald.Connections;

/// <summary>How a connection's peer and client read in log lines and in what the connect hook is told, on both paths.</summary>
internal static class RemoteAddresses
{
    /// <summary>
    /// For log lines: the peer (<c>ip:port</c>), or, when a known proxy forwarded another client address,
    /// <c>client via ip:port</c>, so that a line names the real client and the proxy it came through.
    /// </summary>
    public static string ForLog(IPAddress? client, IPAddress? peerAddress, string peer) =>
        IsForwarded(client, peerAddress) ? $"{client} via {peer}" : peer;

    /// <summary>For the connect hook's <c>remoteAddress</c>: the peer (<c>ip:port</c>), or the client address a known proxy forwarded.</summary>
    public static string ForHook(IPAddress? client, IPAddress? peerAddress, string peer) =>
        IsForwarded(client, peerAddress) ? client!.ToString() : peer;

    private static bool IsForwarded(IPAddress? client, IPAddress? peerAddress) => client is not null && !client.Equals(peerAddress);
}
