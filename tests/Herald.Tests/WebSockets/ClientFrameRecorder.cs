using System.Net.WebSockets;

namespace Herald.Tests.WebSockets;

/// <summary>Records the exact bytes a real BCL client WebSocket puts on the wire (masked, random keys).</summary>
internal static class ClientFrameRecorder
{
    public static async Task<byte[]> RecordAsync(Func<WebSocket, CancellationToken, Task> send)
    {
        using var stream = new MemoryStream();
        using (var client = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero }))
        {
            await send(client, TestContext.Current.CancellationToken);
        }

        // ToArray still works on a MemoryStream the WebSocket has disposed.
        return stream.ToArray();
    }
}
