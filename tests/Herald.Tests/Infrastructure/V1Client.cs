using System.Text.Json;
using System.Text.Json.Nodes;

namespace Herald.Tests.Infrastructure;

/// <summary>A real WebSocket speaking herald.v1: sends commands and reads envelopes as JSON.</summary>
public sealed class V1Client : IAsyncDisposable
{
    private List<JsonObject> _replayedAtLogin = [];

    private V1Client(TestClient client) => Raw = client;

    public TestClient Raw { get; }

    public static async Task<V1Client> ConnectAsync(HeraldTestServer server) =>
        new(await TestClient.ConnectAsync(server.WebSocketUri, options => options.AddSubProtocol("herald.v1")));

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
        var replayed = (int?)userJoined["replayed"] ?? 0;
        var pending = new List<JsonObject>();
        for (var i = 0; i < replayed; i++)
        {
            pending.Add(await client.ReceiveTypeAsync("message"));
        }

        var broadcastJoined = await client.ReceiveTypeAsync("joined");
        Assert.Equal("broadcast", (string?)broadcastJoined["stream"]);
        client._replayedAtLogin = pending;
        return (client, userJoined, broadcastJoined);
    }

    /// <summary>The user-stream messages replayed right after login, in the order they came.</summary>
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
