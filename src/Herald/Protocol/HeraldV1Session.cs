using Herald.Diagnostics;
using Herald.Routing;
using Herald.Streams;
using Herald.WebSockets;
using Microsoft.Extensions.Logging;

namespace Herald.Protocol;

/// <summary>
/// The herald.v1 flavour (docs/protocol.md): JSON commands in (login with resume, subscribe, unsubscribe, ping),
/// JSON envelopes out. A refused command is answered with an <c>error</c> envelope and the connection stays open;
/// a refused login closes it.
/// </summary>
internal sealed class HeraldV1Session(WebSocketConnection connection, ConnectionRegistry registry, SessionServices services)
    : WireSession(connection, registry, services)
{
    // Pongs replace each other in the queue: a client that pipelines pings without reading gets one answer waiting, not thousands.
    private static readonly OutboundFrame PongFrame = OutboundFrame.Control(Envelopes.Pong(), replaceKey: "\0pong");

    public override MessageFormat Format => HeraldV1Format.Instance;

    protected override async ValueTask OnTextAsync(ReadOnlyMemory<byte> message)
    {
        var command = ClientCommandParser.Parse(message, out var error);
        if (command?.Kind == CommandKind.Login || (command is null && error!.Command == "login"))
        {
            await OnLoginAsync(command, error);
            return;
        }

        if (error is not null)
        {
            Refuse(error.Code, error.Message, error.Command);
            return;
        }

        switch (command!.Kind)
        {
            case CommandKind.Ping:
                TryEnqueue(PongFrame, replayed: false);
                break;
            case CommandKind.Subscribe when UserId is null:
                Refuse(HeraldV1ErrorCodes.NotLoggedIn, "log in first", "subscribe");
                break;
            case CommandKind.Unsubscribe when UserId is null:
                Refuse(HeraldV1ErrorCodes.NotLoggedIn, "log in first", "unsubscribe");
                break;
            case CommandKind.Subscribe:
                await OnSubscribeAsync(command.Topic, command.Position);
                break;
            case CommandKind.Unsubscribe:
                OnUnsubscribe(command.Topic);
                break;
        }
    }

    private async ValueTask OnLoginAsync(ClientCommand? command, CommandError? error)
    {
        if (UserId is not null)
        {
            RejectLogin(HeraldCloseCodes.AlreadyLoggedIn, "already logged in", "a second login on a logged-in connection");
            return;
        }

        var userId = command?.Uid;
        var problem = error?.Message ?? UserIdRules.Validate(userId, Services.Options.MaxUserIdLength);
        var userStream = problem is null ? StreamId.ForUser(userId!) : null;
        var resume = command?.Resume ?? new Dictionary<string, StreamPosition>();
        if (problem is null && resume.Keys.FirstOrDefault(name => name != userStream!.Name && name != StreamId.BroadcastName) is { } other)
        {
            problem = $"resume may name only {userStream!.Name} and {StreamId.BroadcastName} (was '{other}')";
        }

        if (problem is not null)
        {
            RejectLogin(HeraldCloseCodes.InvalidLogin, problem, problem);
            return;
        }

        LogIn(userId!, joining: true);
        TryEnqueue(OutboundFrame.Control(Envelopes.Welcome(userId!, Connection.Id)), replayed: false);
        await CompleteJoinAsync(User!, resume.TryGetValue(userStream!.Name, out var userPosition) ? userPosition : null);
        await CompleteJoinAsync(Broadcast!, resume.TryGetValue(StreamId.BroadcastName, out var broadcastPosition) ? broadcastPosition : null);
    }

    private async ValueTask OnSubscribeAsync(string? topic, StreamPosition? position)
    {
        if (TopicRules.Validate(topic) is { } problem)
        {
            Refuse(HeraldV1ErrorCodes.InvalidTopic, problem, "subscribe");
            return;
        }

        if (IsOnTopic(topic!))
        {
            Refuse(HeraldV1ErrorCodes.AlreadySubscribed, $"already on topic '{topic}'", "subscribe");
            return;
        }

        var limit = Services.Options.MaxTopicsPerConnection;
        if (TopicCount >= limit)
        {
            Refuse(HeraldV1ErrorCodes.TooManyTopics, $"a connection may be on at most {limit} topics", "subscribe");
            return;
        }

        await CompleteJoinAsync(JoinTopic(topic!), position);
    }

    private void OnUnsubscribe(string? topic)
    {
        if (TopicRules.Validate(topic) is { } problem)
        {
            Refuse(HeraldV1ErrorCodes.InvalidTopic, problem, "unsubscribe");
            return;
        }

        LeaveTopic(topic!);
        TryEnqueue(OutboundFrame.Control(Envelopes.Left(StreamId.ForTopic(topic!))), replayed: false);
    }

    /// <summary>Reads the stream's history after <paramref name="position"/> and completes the join: <c>joined</c>, the replay, then live.</summary>
    private async ValueTask CompleteJoinAsync(Subscription subscription, StreamPosition? position)
    {
        var read = await Services.History.ReadAsync(subscription.Stream, position, CancellationToken.None);
        var joined = Envelopes.Joined(subscription.Stream, new JoinResult(read.Head, read.Outcome, read.Messages.Count));
        var (replayed, liveNotQueued) = subscription.CompleteJoin(read, OutboundFrame.Control(joined));
        Services.Counters.AddReplayed(replayed, liveNotQueued);
        if (read.Outcome is { } outcome && outcome != ResumeOutcome.Recovered)
        {
            Log.ResumeIncomplete(
                Services.Logger, Connection.Id, UserForLog, LogText.Escape(subscription.Stream.Name)!, outcome,
                LogText.Escape(position!.Value.Epoch ?? "-")!, position.Value.Seq, read.Messages.Count);
        }
    }

    /// <summary>Answers a refused command with an <c>error</c> envelope; the log lines are budgeted per connection.</summary>
    private void Refuse(string code, string message, string? command)
    {
        if (MayLogRefusal(LogLevel.Information))
        {
            Log.CommandRefused(Services.Logger, Connection.Id, UserForLog, LogText.Escape(command ?? "-")!, code, LogText.Escape(message)!);
        }

        TryEnqueue(OutboundFrame.Control(Envelopes.Error(code, message, command)), replayed: false);
    }
}
