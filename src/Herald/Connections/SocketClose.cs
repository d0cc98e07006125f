using System.Net.Sockets;

namespace Herald.Connections;

/// <summary>How Herald closes a socket it holds: a FIN, as Kestrel's transport closes its own, then the handle.</summary>
internal static class SocketClose
{
    /// <summary>
    /// Ends both directions first, which sends a FIN and ends a pending receive with end of stream; a bare close
    /// with a receive pending would reset the connection instead.
    /// </summary>
    public static void Gracefully(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already reset by the peer, or closed.
        }

        socket.Dispose();
    }
}
