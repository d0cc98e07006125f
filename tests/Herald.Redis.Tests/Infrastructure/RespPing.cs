using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Herald.Redis.Tests.Infrastructure;

/// <summary>
/// One PING in RESP over a new TCP connection, bounded by a timeout: whether a Redis answers at all, without a
/// client library's reconnect and retry in the way.
/// </summary>
public static class RespPing
{
    private static readonly byte[] Ping = Encoding.ASCII.GetBytes("*1\r\n$4\r\nPING\r\n");

    /// <returns>True for +PONG; false when the port refuses, the answer is an error (-LOADING) or none comes in time.</returns>
    public static async Task<bool> PongAsync(int port, TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
            await socket.SendAsync(Ping, SocketFlags.None, cts.Token);
            var answer = new byte[64];
            var length = await socket.ReceiveAsync(answer, SocketFlags.None, cts.Token);
            return Encoding.ASCII.GetString(answer, 0, length).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception exception) when ((exception is SocketException or OperationCanceledException) && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
