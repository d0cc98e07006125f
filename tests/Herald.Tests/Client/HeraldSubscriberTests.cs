using Herald.Client;
using Herald.Tests.Infrastructure;
using Publication = Herald.Client.HeraldPublication;

namespace Herald.Tests.Client;

/// <summary>
/// <see cref="HeraldSubscriber"/> against a real server. Connection losses are real too: the subscriber connects
/// through a <see cref="BreakableProxy"/> that resets its TCP connection, or to a server that shuts down.
/// </summary>
public sealed class HeraldSubscriberTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PublishAsync_ToTheUser_ReachesTheSubscriberWithItsStreamSeqAndId()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var probe = await SubscriberProbe.StartAsync(server.WebSocketUri, "123");
        var publisher = new HeraldPublisher(server.Http);

        var result = await publisher.PublishAsync(Publication.Text("hello") with { Users = ["123"], Key = "greeting" }, Cancellation);
        var message = await probe.NextAsync();

        var stream = Assert.Single(result.Streams);
        Assert.Equal(new HeraldStreamDelivery("user:123", stream.Epoch, 1, 1), stream);
        Assert.Equal(1, result.Delivered);
        Assert.False(result.Duplicate);
        Assert.Equal(("user:123", stream.Epoch, 1L, result.Id, "greeting"), (message.Stream, message.Epoch, message.Seq, message.Id, message.Key));
        Assert.Equal("hello", message.Data.GetString());
        Assert.InRange(message.Time, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(HeraldSubscriberStatus.Connected, probe.Subscriber.State.Status);
    }

    [Fact]
    public async Task Subscriber_ConnectionDropped_ResumesWithNothingLostNothingRepeatedInOrder()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var proxy = new BreakableProxy(server.BaseAddress);
        await using var probe = await SubscriberProbe.StartAsync(proxy.WebSocketUri, "u1");
        var publisher = new HeraldPublisher(server.Http);
        await PublishToUserAsync(publisher, "u1", 1, 2);
        Assert.Equal([1L, 2L], Seqs(await probe.NextAsync(2)));

        await CutOffAsync(server, proxy, probe, "u1");
        var whileAway = await PublishToUserAsync(publisher, "u1", 3, 7);
        proxy.RefuseConnections(false);
        await PublishAfterReconnectAsync(publisher, probe, "u1", 8);

        var messages = await probe.NextAsync(6);
        Assert.Equal([3L, 4L, 5L, 6L, 7L, 8L], Seqs(messages));
        Assert.Equal(["m3", "m4", "m5", "m6", "m7", "m8"], messages.Select(m => m.Data.GetString()));
        Assert.All(whileAway, result => Assert.Equal(0, result.Delivered));
        var resumed = probe.Joins.Last(j => j.Stream == "user:u1");
        Assert.Equal(HeraldResumeOutcome.Recovered, resumed.Outcome);
        Assert.Equal(5, resumed.Replayed);
        Assert.Contains(probe.States, s => s is { Status: HeraldSubscriberStatus.Reconnecting, CloseStatus: 1006 });
    }

    [Fact]
    public async Task Subscriber_ConnectionGoesSilent_KeepAliveNoticesItAndResumes()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var proxy = new BreakableProxy(server.BaseAddress);
        await using var probe = await SubscriberProbe.StartAsync(proxy.WebSocketUri, "u1", o => new HeraldSubscriberOptions
        {
            ServerUri = o.ServerUri, UserId = o.UserId, Reconnect = o.Reconnect,
            KeepAliveInterval = TimeSpan.FromMilliseconds(100), KeepAliveTimeout = TimeSpan.FromMilliseconds(300),
        });
        var publisher = new HeraldPublisher(server.Http);

        proxy.SilenceConnections();
        await PublishToUserAsync(publisher, "u1", 1, 1);
        await Eventually.TrueAsync(() => probe.States.Count(s => s.Status == HeraldSubscriberStatus.Connected) == 2, $"the subscriber to notice the silence and connect again ({string.Join(", ", probe.States)})");
        await PublishToUserAsync(publisher, "u1", 2, 2);

        Assert.Equal(["m1", "m2"], (await probe.NextAsync(2)).Select(m => m.Data.GetString()));
        var loss = Assert.Single(probe.States, s => s.Status == HeraldSubscriberStatus.Reconnecting);
        Assert.Equal(1006, loss.CloseStatus);
        Assert.NotNull(loss.Error);
    }

    [Fact]
    public async Task Subscriber_HistoryWindowExceeded_ReportsNotRecoveredBeforeTheKeptMessages()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.HistoryMaxMessages = 3);
        await using var proxy = new BreakableProxy(server.BaseAddress);
        await using var probe = await SubscriberProbe.StartAsync(proxy.WebSocketUri, "u1");
        var publisher = new HeraldPublisher(server.Http);
        await PublishToUserAsync(publisher, "u1", 1, 1);
        await probe.NextAsync();

        await CutOffAsync(server, proxy, probe, "u1");
        await PublishToUserAsync(publisher, "u1", 2, 7);
        proxy.RefuseConnections(false);
        var first = await probe.NextAsync();

        // The gap is reported before the first message after it.
        var gap = Assert.Single(probe.Joins, j => j.MissedMessages);
        Assert.Equal(("user:u1", "window_exceeded", 3, 7L), (gap.Stream, gap.Reason, gap.Replayed, gap.Seq));
        Assert.Equal([5L, 6L, 7L], Seqs([first, .. await probe.NextAsync(2)]));
    }

    [Fact]
    public async Task Subscriber_ServerShutDown_ReconnectsAfter1001AndReportsTheNewEpoch()
    {
        await using var first = await HeraldTestServer.StartAsync();
        await using var second = await HeraldTestServer.StartAsync();
        await using var proxy = new BreakableProxy(first.BaseAddress);
        await using var probe = await SubscriberProbe.StartAsync(proxy.WebSocketUri, "u1");
        await PublishToUserAsync(new HeraldPublisher(first.Http), "u1", 1, 1);
        var before = await probe.NextAsync();

        proxy.RetargetTo(second.BaseAddress);
        await first.StopAsync();
        var after = await PublishAfterReconnectAsync(new HeraldPublisher(second.Http), probe, "u1", 1);
        var message = await probe.NextAsync();

        Assert.Contains(probe.States, s => s is { Status: HeraldSubscriberStatus.Reconnecting, CloseStatus: 1001, CloseReason: "server shutting down" });
        var restart = Assert.Single(probe.Joins, j => j.MissedMessages);
        Assert.Equal(("user:u1", "epoch_changed"), (restart.Stream, restart.Reason));
        Assert.Equal((after.Id, 1L), (message.Id, message.Seq));
        Assert.NotEqual(before.Epoch, message.Epoch);
    }

    [Fact]
    public async Task Subscriber_CutOffAsASlowConsumer_ResumesWithEveryMessageInOrder()
    {
        // Far more than the socket buffers between server and client hold, so that the server's queue overflows
        // while the application does not read; the history keeps all of it.
        const int Count = 300;
        await using var server = await HeraldTestServer.StartAsync(o =>
        {
            o.MaxQueuedMessages = 4;
            o.HistoryMaxMessages = Count;
        });
        await using var probe = await SubscriberProbe.StartAsync(server.WebSocketUri, "u1", o => new HeraldSubscriberOptions
        {
            ServerUri = o.ServerUri, UserId = o.UserId, Reconnect = o.Reconnect, MaxBufferedMessages = 1,
        });
        var publisher = new HeraldPublisher(server.Http);
        var payload = new string('x', 60_000);
        for (var n = 1; n <= Count; n++)
        {
            await publisher.PublishAsync(Publication.Text(payload) with { Users = ["u1"] }, Cancellation);
        }

        var messages = await probe.NextAsync(Count);

        Assert.Equal(Enumerable.Range(1, Count).Select(n => (long)n), Seqs(messages));
        Assert.Equal(1, (await publisher.GetStatsAsync(Cancellation)).SlowConsumerDisconnects);
        Assert.Contains(probe.States, s => s is { Status: HeraldSubscriberStatus.Reconnecting, CloseStatus: 4003 or 1006 });
        Assert.DoesNotContain(probe.Joins, j => j.MissedMessages);
    }

    [Fact]
    public async Task Subscriber_Reconnected_RestoresItsTopicsWithoutRepeatingTheirMessages()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var proxy = new BreakableProxy(server.BaseAddress);
        await using var probe = await SubscriberProbe.StartAsync(proxy.WebSocketUri, "u1", o => new HeraldSubscriberOptions
        {
            ServerUri = o.ServerUri, UserId = o.UserId, Reconnect = o.Reconnect, Topics = ["orders"],
        });
        await probe.Subscriber.SubscribeAsync("news", Cancellation);
        var publisher = new HeraldPublisher(server.Http);
        await publisher.PublishAsync(Publication.Text("o1") with { Topics = ["orders"] }, Cancellation);
        Assert.Equal("o1", (await probe.NextAsync()).Data.GetString());

        proxy.DropConnections();
        await Eventually.TrueAsync(() => probe.States.Count(s => s.Status == HeraldSubscriberStatus.Connected) == 2, "the subscriber to connect again");
        await publisher.PublishAsync(Publication.Text("o2") with { Topics = ["orders"] }, Cancellation);
        await publisher.PublishAsync(Publication.Text("n1") with { Topics = ["news"] }, Cancellation);

        var messages = await probe.NextAsync(2);
        Assert.Equal([("topic:orders", "o2", 2L), ("topic:news", "n1", 1L)], messages.Select(m => (m.Stream, m.Data.GetString(), m.Seq)));
        Assert.Equal(["news", "orders"], probe.Subscriber.Topics.Order());
    }

    [Fact]
    public async Task SubscribeAsyncAndUnsubscribeAsync_AtRuntime_StartAndStopTheTopicsMessages()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var probe = await SubscriberProbe.StartAsync(server.WebSocketUri, "u1");
        var publisher = new HeraldPublisher(server.Http);

        await probe.Subscriber.SubscribeAsync("orders", Cancellation);
        await publisher.PublishAsync(Publication.Text("o1") with { Topics = ["orders"] }, Cancellation);
        var message = await probe.NextAsync();
        await probe.Subscriber.UnsubscribeAsync("orders", Cancellation);
        var afterLeaving = await publisher.PublishAsync(Publication.Text("o2") with { Topics = ["orders"] }, Cancellation);
        await publisher.PublishAsync(Publication.Text("u1") with { Users = ["u1"] }, Cancellation);

        Assert.Equal(("topic:orders", "o1"), (message.Stream, message.Data.GetString()));
        Assert.Equal(0, afterLeaving.Delivered);
        Assert.Equal("user:u1", (await probe.NextAsync()).Stream);
        Assert.Empty(probe.Subscriber.Topics);
    }

    [Fact]
    public async Task SubscribeAsync_BeyondTheServersLimit_ThrowsAndForgetsTheTopic()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxTopicsPerConnection = 1);
        await using var probe = await SubscriberProbe.StartAsync(server.WebSocketUri, "u1");
        await probe.Subscriber.SubscribeAsync("a", Cancellation);

        var refusal = await Assert.ThrowsAsync<HeraldSubscriptionException>(() => probe.Subscriber.SubscribeAsync("b", Cancellation));

        Assert.Equal(("b", "too_many_topics"), (refusal.Topic, refusal.Code));
        Assert.Equal(["a"], probe.Subscriber.Topics);
        Assert.Equal(HeraldSubscriberStatus.Connected, probe.Subscriber.State.Status);
    }

    [Fact]
    public async Task Subscriber_DisconnectedByTheBackend_ClosesWith4004AndDoesNotReconnect()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var probe = await SubscriberProbe.StartAsync(server.WebSocketUri, "u1");

        Assert.Equal(1, await new HeraldPublisher(server.Http).DisconnectUserAsync("u1", "logged out", Cancellation));
        await probe.AssertEndedAsync();

        Assert.Equal(
            new HeraldSubscriberState(HeraldSubscriberStatus.Closed) { CloseStatus = 4004, CloseReason = "logged out" },
            probe.Subscriber.State);
        Assert.Equal(1, probe.States.Count(s => s.Status == HeraldSubscriberStatus.Connecting));
        Assert.Equal(0, server.Hub.GetUser("u1").Connections);
        await Assert.ThrowsAsync<HeraldSubscriberClosedException>(() => probe.Subscriber.SubscribeAsync("late", Cancellation));
    }

    [Fact]
    public async Task StartAsync_LoginRefused_ThrowsWithTheCloseCodeAndDoesNotRetry()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxUserIdLength = 4);
        await using var subscriber = new HeraldSubscriber(new HeraldSubscriberOptions { ServerUri = server.WebSocketUri, UserId = "toolong" });

        var closed = await Assert.ThrowsAsync<HeraldSubscriberClosedException>(() => subscriber.StartAsync(Cancellation).WaitAsync(SubscriberProbe.Timeout, Cancellation));

        Assert.Equal(4000, closed.State.CloseStatus);
        Assert.Equal("uid must be at most 4 characters (was 7)", closed.State.CloseReason);
    }

    [Fact]
    public async Task StartAsync_UserHasAsManyConnectionsAsAllowed_RetriesAfter4005UntilOneCloses()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxConnectionsPerUser = 1);
        var tab = await server.ConnectAsUserAsync("u1");
        await using var subscriber = new HeraldSubscriber(new HeraldSubscriberOptions { ServerUri = server.WebSocketUri, UserId = "u1", Reconnect = SubscriberProbe.FastReconnect });
        var states = new System.Collections.Concurrent.ConcurrentQueue<HeraldSubscriberState>();
        subscriber.StateChanged += (_, state) => states.Enqueue(state);

        var started = subscriber.StartAsync(Cancellation);
        await Eventually.TrueAsync(() => states.Count(s => s.Status == HeraldSubscriberStatus.Reconnecting) >= 2, "two logins refused");
        await tab.DisposeAsync();
        await started.WaitAsync(SubscriberProbe.Timeout, Cancellation);

        var refusals = states.Where(s => s.Status == HeraldSubscriberStatus.Reconnecting).ToList();
        Assert.All(refusals, s => Assert.Equal((4005, "too many connections for this user"), (s.CloseStatus, s.CloseReason)));
        Assert.Equal(Enumerable.Range(2, refusals.Count), refusals.Select(s => s.Attempt));
        Assert.Equal(HeraldSubscriberStatus.Connected, subscriber.State.Status);
    }

    [Fact]
    public async Task Subscriber_CutForItsMessageRateAtEveryLogin_WaitsLongerEachTimeAndGivesUpAfterMaxAttempts()
    {
        // Three topics to restore after the login, one more message than the burst holds; the server would refuse
        // the last two anyway (one topic per connection), but the rate cuts the connection first, at every login.
        await using var server = await HeraldTestServer.StartAsync(o =>
        {
            o.MaxTopicsPerConnection = 1;
            o.ClientMessageBurst = 2;
            o.ClientMessagesPerSecond = 1;
        });
        await using var subscriber = new HeraldSubscriber(new HeraldSubscriberOptions
        {
            ServerUri = server.WebSocketUri,
            UserId = "u1",
            Topics = ["a", "b", "c"],
            Reconnect = new HeraldReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50), MaxAttempts = 3 },
        });
        var states = new System.Collections.Concurrent.ConcurrentQueue<HeraldSubscriberState>();
        subscriber.StateChanged += (_, state) => states.Enqueue(state);

        await subscriber.StartAsync(Cancellation).WaitAsync(SubscriberProbe.Timeout, Cancellation);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(SubscriberProbe.Timeout);
        await foreach (var message in subscriber.ReadAllAsync(timeout.Token))
        {
            Assert.Fail($"expected no message, got {message}");
        }

        Assert.Equal(new HeraldSubscriberState(HeraldSubscriberStatus.Closed) { Attempt = 3, CloseStatus = 4006, CloseReason = "too many messages" }, subscriber.State);
        Assert.Equal([2, 3], states.Where(s => s.Status == HeraldSubscriberStatus.Reconnecting).Select(s => s.Attempt));
        Assert.Equal(3, states.Count(s => s.Status == HeraldSubscriberStatus.Connected));
    }

    [Fact]
    public async Task StateChangedHandler_Throws_ClosesTheSubscriberWithItsException()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var subscriber = new HeraldSubscriber(new HeraldSubscriberOptions { ServerUri = server.WebSocketUri, UserId = "u1" });
        var bug = new InvalidOperationException("a bug in the application's handler");
        subscriber.StateChanged += (_, state) =>
        {
            if (state.Status == HeraldSubscriberStatus.Connected)
            {
                throw bug;
            }
        };

        var closed = await Assert.ThrowsAsync<HeraldSubscriberClosedException>(() => subscriber.StartAsync(Cancellation).WaitAsync(SubscriberProbe.Timeout, Cancellation));

        Assert.Same(bug, closed.State.Error);
        Assert.Equal(HeraldSubscriberStatus.Closed, subscriber.State.Status);
        await foreach (var message in subscriber.ReadAllAsync(Cancellation))
        {
            Assert.Fail($"expected no message, got {message}");
        }
    }

    [Fact]
    public async Task StartAsync_ServerUnreachable_GivesUpAfterMaxAttempts()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var proxy = new BreakableProxy(server.BaseAddress);
        proxy.RefuseConnections(true);
        await using var subscriber = new HeraldSubscriber(new HeraldSubscriberOptions
        {
            ServerUri = proxy.WebSocketUri,
            UserId = "u1",
            Reconnect = new HeraldReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50), MaxAttempts = 3 },
        });
        var states = new List<HeraldSubscriberState>();
        subscriber.StateChanged += (_, state) => states.Add(state);

        var closed = await Assert.ThrowsAsync<HeraldSubscriberClosedException>(() => subscriber.StartAsync(Cancellation).WaitAsync(SubscriberProbe.Timeout, Cancellation));

        Assert.Equal(3, closed.State.Attempt);
        Assert.NotNull(closed.State.Error);
        Assert.Null(closed.State.CloseStatus);
        Assert.Equal([1, 2, 3], states.Where(s => s.Status == HeraldSubscriberStatus.Connecting).Select(s => s.Attempt));
        Assert.All(states.Where(s => s.Status == HeraldSubscriberStatus.Reconnecting), s => Assert.InRange(s.Delay, TimeSpan.Zero, TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public async Task Subscriber_StartingFromRetained_GetsWhatWasPublishedBeforeItConnectedEvenBeyondItsBuffer()
    {
        await using var server = await HeraldTestServer.StartAsync();
        var publisher = new HeraldPublisher(server.Http);
        await PublishToUserAsync(publisher, "u1", 1, 5);

        // StartAsync completes although the replay is larger than the buffer and nothing reads yet.
        await using var probe = await SubscriberProbe.StartAsync(server.WebSocketUri, "u1", o => new HeraldSubscriberOptions
        {
            ServerUri = o.ServerUri, UserId = o.UserId, Reconnect = o.Reconnect, StartPosition = HeraldStartPosition.Retained, MaxBufferedMessages = 1,
        });

        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], (await probe.NextAsync(5)).Select(m => m.Data.GetString()));
        Assert.Equal(HeraldResumeOutcome.Recovered, probe.Joins.First(j => j.Stream == "user:u1").Outcome);
    }

    [Fact]
    public async Task DisposeAsync_ClosesCleanlyAndEndsTheMessagesAfterTheBufferedOnes()
    {
        await using var server = await HeraldTestServer.StartAsync();
        var probe = await SubscriberProbe.StartAsync(server.WebSocketUri, "u1");
        var publisher = new HeraldPublisher(server.Http);
        await PublishToUserAsync(publisher, "u1", 1, 1);
        await Eventually.TrueAsync(async () => (await publisher.GetStatsAsync(Cancellation)).MessagesDelivered == 1, "the message to be written");

        await probe.Subscriber.DisposeAsync();

        Assert.Equal(new HeraldSubscriberState(HeraldSubscriberStatus.Closed) { CloseStatus = 1000 }, probe.Subscriber.State);
        await Eventually.TrueAsync(() => server.Hub.GetUser("u1").Connections == 0, "the server to see the connection closed");
        Assert.Equal("m1", (await probe.NextAsync()).Data.GetString());
        await probe.AssertEndedAsync();
        await probe.DisposeAsync();
    }

    private static async Task<List<Herald.Client.HeraldPublishResult>> PublishToUserAsync(HeraldPublisher publisher, string userId, int from, int to)
    {
        var results = new List<Herald.Client.HeraldPublishResult>();
        for (var n = from; n <= to; n++)
        {
            results.Add(await publisher.PublishAsync(Publication.Text($"m{n}") with { Users = [userId] }, Cancellation));
        }

        return results;
    }

    // Resets the subscriber's connection and keeps it away until the test lets it back.
    private static async Task CutOffAsync(HeraldTestServer server, BreakableProxy proxy, SubscriberProbe probe, string userId)
    {
        proxy.RefuseConnections(true);
        proxy.DropConnections();
        await Eventually.TrueAsync(() => server.Hub.GetUser(userId).Connections == 0, "the server to see the connection gone");
        await Eventually.TrueAsync(() => probe.Subscriber.State.Status != HeraldSubscriberStatus.Connected, "the subscriber to see the connection gone");
    }

    // Once the subscriber is back, a message published now follows whatever the resume replays.
    private static async Task<Herald.Client.HeraldPublishResult> PublishAfterReconnectAsync(HeraldPublisher publisher, SubscriberProbe probe, string userId, int n)
    {
        await probe.WaitForStatusAsync(HeraldSubscriberStatus.Connected);
        return (await PublishToUserAsync(publisher, userId, n, n))[0];
    }

    private static IEnumerable<long> Seqs(IEnumerable<HeraldMessage> messages) => messages.Select(m => m.Seq);
}
