using System.Text.Json.Nodes;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Protocol;

/// <summary>Resume on login and subscribe: replay what was missed, then live, with nothing lost or repeated.</summary>
public abstract class ResumeTests(bool direct) : BothWebSocketPaths(direct)
{
    [Fact]
    public async Task Login_WithThePositionLastSeen_ReplaysWhatWasMissedThenContinuesLive()
    {
        await using var server = await StartServerAsync();
        var (first, _, _) = await V1Client.LogInAsync(server, "ada");
        await server.SendAsync("ada", "m1");
        var seen = await first.ReceiveTypeAsync("message");
        await first.DisposeAsync();
        await Eventually.TrueAsync(() => server.Hub.GetUser("ada").Connections == 0, "the first connection to leave");
        Assert.Equal(0, await server.SendAsync("ada", "m2"));
        Assert.Equal(0, await server.SendAsync("ada", "m3"));

        var (second, joined, _) = await V1Client.LogInAsync(server, "ada", Resume("user:ada", seen));
        await using var _ = second;
        await server.SendAsync("ada", "m4");

        Assert.True((bool)joined["recovered"]!);
        Assert.Equal(2, (int)joined["replayed"]!);
        Assert.Equal(3, (long)joined["seq"]!);
        Assert.Equal((string?)seen["epoch"], (string?)joined["epoch"]);
        Assert.Equal(["m2", "m3"], second.ReplayedAtLogin.Select(m => (string)m["data"]!));
        Assert.Equal([2L, 3L], second.ReplayedAtLogin.Select(m => (long)m["seq"]!));
        var live = await second.ReceiveTypeAsync("message");
        Assert.Equal("m4", (string?)live["data"]);
        Assert.Equal(4, (long)live["seq"]!);
    }

    [Fact]
    public async Task Login_FromTheStart_OnAFreshDevice_GetsEverythingKeptForTheOfflineUser()
    {
        await using var server = await StartServerAsync();
        await server.PublishAsync("""{"users":["ada"],"data":"while you were away"}""");

        var (client, joined, _) = await V1Client.LogInAsync(server, "ada", new JsonObject { ["user:ada"] = new JsonObject { ["seq"] = 0 } });
        await using var _ = client;

        Assert.True((bool)joined["recovered"]!);
        Assert.Equal("while you were away", (string?)Assert.Single(client.ReplayedAtLogin)["data"]);
    }

    [Fact]
    public async Task Login_BehindTheWindow_ReportsWindowExceededAndReplaysWhatIsKept()
    {
        await using var server = await StartServerAsync(o => o.HistoryMaxMessages = 3);
        var (first, _, _) = await V1Client.LogInAsync(server, "ada");
        await server.SendAsync("ada", "m1");
        var seen = await first.ReceiveTypeAsync("message");
        await first.DisposeAsync();
        for (var i = 2; i <= 10; i++)
        {
            await server.SendAsync("ada", $"m{i}");
        }

        var (second, joined, _) = await V1Client.LogInAsync(server, "ada", Resume("user:ada", seen));
        await using var _ = second;

        Assert.False((bool)joined["recovered"]!);
        Assert.Equal("window_exceeded", (string?)joined["reason"]);
        Assert.Equal(3, (int)joined["replayed"]!);
        Assert.Equal(["m8", "m9", "m10"], second.ReplayedAtLogin.Select(m => (string)m["data"]!));
        await Eventually.TrueAsync(() => server.Logs.Contains("ResumeIncomplete"), "the incomplete resume to be logged");
    }

    [Fact]
    public async Task Login_WithAnotherEpoch_ReportsEpochChanged()
    {
        await using var server = await StartServerAsync();
        await server.SendAsync("ada", "m1");

        var stale = new JsonObject { ["user:ada"] = new JsonObject { ["epoch"] = "from-before-a-restart", ["seq"] = 40 } };
        var (client, joined, _) = await V1Client.LogInAsync(server, "ada", stale);
        await using var _ = client;

        Assert.False((bool)joined["recovered"]!);
        Assert.Equal("epoch_changed", (string?)joined["reason"]);
        Assert.Equal("m1", (string?)Assert.Single(client.ReplayedAtLogin)["data"]);
    }

    [Fact]
    public async Task Login_WithAnEpochOfAStreamThatIsGone_ReportsEpochChangedAndNoEpoch()
    {
        await using var server = await StartServerAsync();

        var stale = new JsonObject { ["user:ada"] = new JsonObject { ["epoch"] = "gone", ["seq"] = 4 } };
        var (client, joined, _) = await V1Client.LogInAsync(server, "ada", stale);
        await using var _ = client;

        Assert.Equal("""{"type":"joined","stream":"user:ada","epoch":null,"seq":0,"recovered":false,"reason":"epoch_changed","replayed":0}""", joined.ToJsonString());
    }

    [Fact]
    public async Task History_PastHistoryMaxAge_IsForgottenAndTheNextMessageStartsANewEpoch()
    {
        await using var server = await StartServerAsync(o => o.HistoryMaxAge = TimeSpan.FromMilliseconds(300));
        var first = await server.PublishAsync("""{"users":["ada"],"data":"old"}""");
        await Eventually.TrueAsync(() => server.Hub.GetStats().HistoryStreams == 0, "the stream to be forgotten");

        var second = await server.PublishAsync("""{"users":["ada"],"data":"new"}""");

        Assert.Equal(1, second.Only.Seq);
        Assert.NotEqual(first.Only.Epoch, second.Only.Epoch);
    }

    [Fact]
    public async Task Subscribe_WithAPosition_ResumesTheTopic()
    {
        await using var server = await StartServerAsync();
        var first = await server.PublishAsync("""{"topics":["orders"],"data":"o1"}""");
        await server.PublishAsync("""{"topics":["orders"],"data":"o2"}""");
        var (client, _, _) = await V1Client.LogInAsync(server, "ada");
        await using var _ = client;

        var position = new JsonObject { ["epoch"] = first.Only.Epoch, ["seq"] = 1 };
        await client.SendAsync(new JsonObject { ["type"] = "subscribe", ["topic"] = "orders", ["resume"] = position });

        var joined = await client.ReceiveTypeAsync("joined");
        Assert.True((bool)joined["recovered"]!);
        Assert.Equal(1, (int)joined["replayed"]!);
        Assert.Equal("o2", (string?)(await client.ReceiveTypeAsync("message"))["data"]);
    }

    [Fact]
    public async Task Resume_RacingWithLivePublishes_LosesAndRepeatsNothing()
    {
        const int Total = 1500;
        // Room for every message in one queue: this test is about replay racing live publishes, not slow consumers.
        await using var server = await StartServerAsync(o =>
        {
            o.HistoryMaxMessages = Total;
            o.MaxQueuedMessages = 2 * Total;
        });
        var publisher = Task.Run(async () =>
        {
            for (var i = 1; i <= Total; i++)
            {
                await server.Hub.SendToUserAsync("ada", $"m{i}", TestContext.Current.CancellationToken);
            }
        }, TestContext.Current.CancellationToken);

        // Reconnect over and over while the messages go out; each connection resumes where the last one stopped.
        var received = new List<long>();
        JsonObject? last = null;
        while (received.Count == 0 || received[^1] < Total)
        {
            var resume = last is null ? new JsonObject { ["user:ada"] = new JsonObject { ["seq"] = 0 } } : Resume("user:ada", last);
            var (client, joined, _) = await V1Client.LogInAsync(server, "ada", resume);
            Assert.True((bool)joined["recovered"]!, $"resume after seq {received.LastOrDefault()} should recover: {joined.ToJsonString()}");
            var batch = client.ReplayedAtLogin.ToList();
            var target = Math.Min(Total, (received.Count == 0 ? 0 : received[^1]) + 97);
            while ((batch.Count == 0 ? (received.Count == 0 ? 0 : received[^1]) : (long)batch[^1]["seq"]!) < target)
            {
                batch.Add(await client.ReceiveTypeAsync("message"));
            }

            received.AddRange(batch.Select(m => (long)m["seq"]!));
            last = batch.Count > 0 ? batch[^1] : last;
            await client.DisposeAsync();
        }

        await publisher;
        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), received);
    }

    [Fact]
    public async Task Login_ResumeThatReplaysMessages_StatsCountThemAsQueuedAndAsReplayed()
    {
        const int Missed = 5;
        await using var server = await StartServerAsync();
        for (var i = 1; i <= Missed; i++)
        {
            Assert.Equal(0, await server.SendAsync("ada", $"m{i}"));
        }

        var (client, joined, _) = await V1Client.LogInAsync(server, "ada", new JsonObject { ["user:ada"] = new JsonObject { ["seq"] = 0 } });
        await using var _ = client;
        Assert.Equal(Missed, (int)joined["replayed"]!);
        Assert.Equal(1, await server.SendAsync("ada", "live"));
        await client.ReceiveTypeAsync("message");
        await Eventually.TrueAsync(() => server.Hub.GetStats().MessagesDelivered == Missed + 1, "the replay and the live message to be written");

        // A replayed copy is a queued copy, so queued = delivered + dropped + conflated + waiting holds for it too;
        // what no delivered answer counted is messagesReplayed.
        var stats = server.Hub.GetStats();
        Assert.Equal(
            (Published: Missed + 1L, Queued: Missed + 1L, Replayed: (long)Missed, Delivered: Missed + 1L, Dropped: 0L),
            (Published: stats.MessagesPublished, Queued: stats.MessagesQueued, Replayed: stats.MessagesReplayed, Delivered: stats.MessagesDelivered, Dropped: stats.MessagesDropped));
        using var answer = System.Text.Json.JsonDocument.Parse(await server.Http.GetStringAsync("/api/v1/stats", TestContext.Current.CancellationToken));
        Assert.Equal(Missed, answer.RootElement.GetProperty("messagesReplayed").GetInt64());
        Assert.Equal(Missed + 1, answer.RootElement.GetProperty("messagesQueued").GetInt64());
    }

    private static JsonObject Resume(string stream, JsonObject lastSeen) =>
        new() { [stream] = new JsonObject { ["epoch"] = (string?)lastSeen["epoch"], ["seq"] = (long)lastSeen["seq"]! } };
}

public sealed class ResumeTestsThroughAspNetCore() : ResumeTests(direct: false);

public sealed class ResumeTestsOnDirectPath() : ResumeTests(direct: true);
