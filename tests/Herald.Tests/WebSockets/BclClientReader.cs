using System.Net.WebSockets;

namespace Herald.Tests.WebSockets;

/// <summary>A real BCL client WebSocket reading server frames: the judge of whether our frames are well-formed.</summary>
internal sealed class BclClientReader : IDisposable
{
    private readonly DuplexStream _stream;
    private readonly WebSocket _client;

    public BclClientReader(params byte[][] frames)
    {
        _stream = new DuplexStream(frames.SelectMany(f => f).ToArray());
        _client = WebSocket.CreateFromStream(_stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
    }

    public WebSocket Client => _client;

    /// <summary>What the client wrote back (pongs, close replies).</summary>
    public byte[] Written => _stream.Output.ToArray();

    /// <summary>Receives one whole message (or a Close).</summary>
    public async Task<(WebSocketMessageType Type, byte[] Payload)> ReceiveAsync()
    {
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var result = await _client.ReceiveAsync(buffer, TestContext.Current.CancellationToken);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, message.ToArray());
            }
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _stream.Dispose();
    }
}
