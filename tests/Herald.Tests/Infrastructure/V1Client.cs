using System.Text.Json;
using System.Text.Json.Nodes;

namespace Herald.Tests.Infrastructure;

/// <summary>A real WebSocket speaking herald.v1: sends commands and reads envelopes as JSON.</summary>
public sealed class V1Client : IAsyncDisposable
{
    private List<JsonObject> _replayedAtLogin = [];

    private V1Client(TestClient client) => Raw = client;

    public TestClient Raw { get; }

    public static async Task<V1Client> ConnectAsync(HeraldTestServer server, Action<System.Net.WebSockets.ClientWebSocketOptions>? configure = null) =>
        new(await TestClient.ConnectAsync(server.WebSocketUri, options =>
        {
            options.AddSubProtocol("herald.v1");
            configure?.Invoke(options);
        }));

    /// <summary>Connects, logs in (with <paramref name="resume"/>, if any) and reads welcome and both joined answers.</summary>
    public static async Task<(V1Client Client, JsonObject UserJoined, JsonObject BroadcastJoined)> LogInAsync(HeraldTestServer server, string uid, JsonObject? resume = null)
    {
        var client = await ConnectAsync(server);
        var login = new JsonObject { ["type"] = "login", ["uid"] = uid };
        if (resume is not null)
        {
            login["resume"] = resume;
        }

        await client.SendAsync(login);
        var welcome = await client.ReceiveAsync();
        Assert.Equal("welcome", (string?)welcome["type"]);
        var userJoined = await client.ReceiveTypeAsync("joined");
        Assert.Equal($"user:{uid}", (string?)userJoined["stream"]);
        // The user stream's replay comes first; its live messages may follow before broadcast's joined (order is per stream).
        var pending = new List<JsonObject>();
        JsonObject broadcastJoined;
        while ((string?)(broadcastJoined = await client.ReceiveAsync())["type"] == "message")
        {
            Assert.Equal($"user:{uid}", (string?)broadcastJoined["stream"]);
            pending.Add(broadcastJoined);
        }

        Assert.Equal("joined", (string?)broadcastJoined["type"]);
        Assert.True(pending.Count >= ((int?)userJoined["replayed"] ?? 0), "every replayed message comes before broadcast's joined");
        client._replayedAtLogin = pending;
        return (client, userJoined, broadcastJoined);
    }

    /// <summary>The user-stream messages that came between the user stream's and broadcast's joined: the replay, then any live ones.</summary>
    public IReadOnlyList<JsonObject> ReplayedAtLogin => _replayedAtLogin;

    public Task SendAsync(JsonObject command) => Raw.SendTextAsync(command.ToJsonString());

    public Task SendTextAsync(string text) => Raw.SendTextAsync(text);

    public async Task<JsonObject> ReceiveAsync(TimeSpan? timeout = null)
    {
        var text = await Raw.ReceiveTextAsync(timeout);
        return JsonNode.Parse(text)?.AsObject() ?? throw new JsonException($"not a JSON object: {text}");
    }

    /// <summary>Receives the next envelope and checks its type.</summary>
    public async Task<JsonObject> ReceiveTypeAsync(string type, TimeSpan? timeout = null)
    {
        var envelope = await ReceiveAsync(timeout);
        Assert.True((string?)envelope["type"] == type, $"expected a '{type}' envelope, got {envelope.ToJsonString()}");
        return envelope;
    }

    public ValueTask DisposeAsync() => Raw.DisposeAsync();
}
