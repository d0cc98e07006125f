using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace Herald.Redis.Tests.Failures;

/// <summary>
/// A herald.v1 client as an application writes one: it logs in to a node, remembers the last epoch and seq it got
/// on its user stream, and after its connection ends logs in again (to any node) resuming from there. Every message
/// it got is kept in order, so a test can check that nothing was lost, repeated or reordered.
/// </summary>
internal sealed class ResumingReader : IAsyncDisposable
{
    private readonly string _uid;
    private readonly List<string> _received = [];
    private TestClient? _client;

    public ResumingReader(string uid) => _uid = uid;

    public string Stream => $"user:{_uid}";

    /// <summary>The data of every message received, in the order it came.</summary>
    public IReadOnlyList<string> Received => _received;

    public string? Epoch { get; private set; }

    public long Seq { get; private set; }

    /// <summary>The user stream's last <c>joined</c> answer.</summary>
    public JsonObject? LastJoined { get; private set; }

    /// <summary>The code of the Close that ended the last connection, once <see cref="ReadUntilClosedAsync"/> saw it.</summary>
    public int? CloseCode { get; private set; }

    /// <summary>Logs in to <paramref name="node"/>, resuming from the last position when there is one (or from the start with <paramref name="fromStart"/>).</summary>
    /// <returns>The user stream's <c>joined</c>.</returns>
    public async Task<JsonObject> LogInAsync(Uri node, bool fromStart = false)
    {
        await CloseAsync();
        _client = await TestClient.ConnectAsync(node, options => options.AddSubProtocol("herald.v1"));
        var login = new JsonObject { ["type"] = "login", ["uid"] = _uid };
        if (Epoch is not null || fromStart)
        {
            var position = new JsonObject { ["seq"] = Seq };
            if (Epoch is not null)
            {
                position["epoch"] = Epoch;
            }

            login["resume"] = new JsonObject { [Stream] = position };
        }

        await _client.SendTextAsync(login.ToJsonString());
        Assert.Equal("welcome", (string?)(await ReceiveAsync())["type"]);
        var joined = await ReceiveAsync();
        Assert.True((string?)joined["type"] == "joined" && (string?)joined["stream"] == Stream, $"expected the user stream's joined, got {joined.ToJsonString()}");
        LastJoined = joined;
        if ((string?)joined["epoch"] is { } epoch && epoch != Epoch)
        {
            // A new epoch: its seqs start again, and the replay (if any) brings them from 1.
            (Epoch, Seq) = (epoch, 0);
        }

        return joined;
    }

    /// <summary>Reads messages until <paramref name="count"/> have been received in all, failing after <paramref name="timeout"/>.</summary>
    public async Task ReadUntilCountAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_received.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"{Stream}: got {_received.Count} of {count} messages within {timeout.TotalSeconds} s: {string.Join(",", _received)}");
            await ReceiveAsync(left);
        }
    }

    /// <summary>Reads messages until <paramref name="done"/> holds for all received, failing after <paramref name="timeout"/>.</summary>
    public async Task ReadUntilAsync(Func<IReadOnlyList<string>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_received.Count == 0 || !done(_received))
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"{Stream}: not done within {timeout.TotalSeconds} s with {string.Join(",", _received)}");
            await ReceiveAsync(left);
        }
    }

    /// <summary>Reads messages until the server closes the connection, or it drops; returns the close code (1006 for a drop).</summary>
    public async Task<int> ReadUntilClosedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            while (true)
            {
                var left = deadline - DateTime.UtcNow;
                Assert.True(left > TimeSpan.Zero, $"{Stream}: the connection was not closed within {timeout.TotalSeconds} s");
                var (type, text) = await Client.ReceiveAsync(left);
                if (type == WebSocketMessageType.Close)
                {
                    CloseCode = (int)Client.Socket.CloseStatus!.Value;
                    return CloseCode.Value;
                }

                Record(JsonNode.Parse(text)!.AsObject());
            }
        }
        catch (WebSocketException)
        {
            CloseCode = 1006;
            return 1006;
        }
    }

    public async Task CloseAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
            _client = null;
        }
    }

    public ValueTask DisposeAsync() => new(CloseAsync());

    private TestClient Client => _client ?? throw new InvalidOperationException("not logged in");

    private async Task<JsonObject> ReceiveAsync(TimeSpan? timeout = null)
    {
        var envelope = JsonNode.Parse(await Client.ReceiveTextAsync(timeout))!.AsObject();
        Record(envelope);
        return envelope;
    }

    private void Record(JsonObject envelope)
    {
        if ((string?)envelope["type"] != "message" || (string?)envelope["stream"] != Stream)
        {
            return;
        }

        var epoch = (string?)envelope["epoch"];
        var seq = (long)envelope["seq"]!;
        Assert.True(epoch != Epoch || seq == Seq + 1, $"{Stream}: seq {seq} of {epoch} after {Seq} of {Epoch}: a message lost, repeated or out of order");
        (Epoch, Seq) = (epoch, seq);
        _received.Add(envelope["data"]!.ToString());
    }
}
