using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Bench;

/// <summary>
/// A server of the seed's design on a real Kestrel at 127.0.0.1:0, for the load generator's tests of a server without
/// Herald's API (CI has no Go, so not the Go reference itself): <c>/ws</c> takes <c>{"uid":"..."}</c> (the last login of a
/// user wins), <c>GET /send?uid=&amp;message=</c> writes the message to that user's connection and answers 200 <c>ok</c>, or
/// 404 when the user has none. Nothing else: no stats, no <c>herald.v1</c>.
/// </summary>
public sealed class SeedDesignServer : IAsyncDisposable
{
    private const int MaxLoginBytes = 512;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, SeedClient> _users = new(StringComparer.Ordinal);

    private SeedDesignServer(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseAddress => new(_app.Urls.Single());

    public static async Task<SeedDesignServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new SeedDesignServer(app);
        app.UseWebSockets();
        app.Map("/ws", server.AcceptAsync);
        app.MapGet("/send", server.SendAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return server;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var client = new SeedClient();
        var writePump = client.WritePumpAsync(socket);
        var buffer = new byte[MaxLoginBytes];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                if (result.EndOfMessage && TryReadUid(buffer.AsSpan(0, result.Count)) is { } uid)
                {
                    client.UserId = uid;
                    _users[uid] = client;
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // The client went away: the seed's design just forgets it.
        }
        finally
        {
            if (client.UserId is { } uid)
            {
                _users.TryRemove(new KeyValuePair<string, SeedClient>(uid, client));
            }

            client.Queue.Writer.TryComplete();
            await writePump;
        }

        if (socket.State == WebSocketState.CloseReceived)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
    }

    private async Task<IResult> SendAsync(string? uid, string? message)
    {
        if (uid is null || !_users.TryGetValue(uid, out var client))
        {
            return Results.NotFound("user not found");
        }

        await client.SendAsync(message ?? string.Empty);
        return Results.Text("ok");
    }

    private static string? TryReadUid(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("uid"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString() is { Length: > 0 } uid ? uid : null;
                }
            }
        }
        catch (JsonException)
        {
            // Not a login: the seed's design drops it.
        }

        return null;
    }

    /// <summary>One connection: its user, and its queue of messages, which one write pump sends in order (the seed's send channel).</summary>
    private sealed class SeedClient
    {
        private const int QueueLength = 256;

        public string? UserId { get; set; }

        public Channel<string> Queue { get; } = Channel.CreateBounded<string>(new BoundedChannelOptions(QueueLength) { SingleReader = true });

        public async Task SendAsync(string message)
        {
            try
            {
                await Queue.Writer.WriteAsync(message);
            }
            catch (ChannelClosedException)
            {
                // Closed meanwhile: the message is lost, as in the seed's design.
            }
        }

        public async Task WritePumpAsync(WebSocket socket)
        {
            try
            {
                await foreach (var message in Queue.Reader.ReadAllAsync())
                {
                    await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                }
            }
            catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException)
            {
                // The connection broke: what is queued is lost, as in the seed's design.
            }
        }
    }
}
