using Herald.Delivery;
using Herald.Protocol;
using Herald.Routing;
using Herald.Streams;

namespace Herald.Connections;

/// <summary>The herald.v1 commands (docs/protocol.md): login with resume, subscribe, unsubscribe, ping.</summary>
internal sealed partial class ClientConnection
{
    private const string NotLoggedIn = "not_logged_in";
    private const string InvalidTopic = "invalid_topic";
    private const string AlreadySubscribed = "already_subscribed";
    private const string TooManyTopics = "too_many_topics";

    private static readonly OutboundFrame PongFrame = OutboundFrame.Control(Envelopes.Pong());

    private Dictionary<string, Subscription>? _topics;

    private async ValueTask OnCommandAsync(ReadOnlyMemory<byte> message)
    {
        var command = ClientCommandParser.Parse(message, out var error);
        if (command?.Kind == CommandKind.Login || (command is null && error!.Command == "login"))
        {
            await OnLoginAsync(command, error);
            return;
        }

        if (error is not null)
        {
            Reply(error.Code, error.Message, error.Command);
            return;
        }

        switch (command!.Kind)
        {
            case CommandKind.Ping:
                TryEnqueue(PongFrame);
                break;
            case CommandKind.Subscribe when UserId is null:
                Reply(NotLoggedIn, "log in first", "subscribe");
                break;
            case CommandKind.Unsubscribe when UserId is null:
                Reply(NotLoggedIn, "log in first", "unsubscribe");
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
        var problem = error?.Message ?? UserIdRules.Validate(userId, _services.Options.MaxUserIdLength);
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
        TryEnqueue(OutboundFrame.Control(Envelopes.Welcome(userId!, Id)));
        await CompleteJoinAsync(UserSubscription!, resume.TryGetValue(userStream!.Name, out var userPosition) ? userPosition : null);
        await CompleteJoinAsync(BroadcastSubscription!, resume.TryGetValue(StreamId.BroadcastName, out var broadcastPosition) ? broadcastPosition : null);
    }

    private async ValueTask OnSubscribeAsync(string? topic, StreamPosition? position)
    {
        if (TopicRules.Validate(topic) is { } problem)
        {
            Reply(InvalidTopic, problem, "subscribe");
            return;
        }

        _topics ??= new Dictionary<string, Subscription>(StringComparer.Ordinal);
        if (_topics.ContainsKey(topic!))
        {
            Reply(AlreadySubscribed, $"already on topic '{topic}'", "subscribe");
            return;
        }

        var limit = _services.Options.MaxTopicsPerConnection;
        if (_topics.Count >= limit)
        {
            Reply(TooManyTopics, $"a connection may be on at most {limit} topics", "subscribe");
            return;
        }

        var subscription = Subscription.Joining(this, StreamId.ForTopic(topic!));
        _topics.Add(topic!, subscription);
        _services.Registry.AddToTopic(subscription);
        await CompleteJoinAsync(subscription, position);
    }

    private void OnUnsubscribe(string? topic)
    {
        if (TopicRules.Validate(topic) is { } problem)
        {
            Reply(InvalidTopic, problem, "unsubscribe");
            return;
        }

        if (_topics is not null && _topics.Remove(topic!, out var subscription))
        {
            _services.Registry.RemoveFromTopic(subscription);
        }

        TryEnqueue(OutboundFrame.Control(Envelopes.Left(StreamId.ForTopic(topic!))));
    }

    /// <summary>Reads the stream's history after <paramref name="position"/> and completes the join: <c>joined</c>, the replay, then live.</summary>
    private async ValueTask CompleteJoinAsync(Subscription subscription, StreamPosition? position)
    {
        var read = await _services.History.ReadAsync(subscription.Stream, position, CancellationToken.None);
        var joined = Envelopes.Joined(subscription.Stream, new JoinResult(read.Head, read.Outcome, read.Messages.Count));
        _services.Counters.AddReplayed(subscription.CompleteJoin(read, OutboundFrame.Control(joined)));
        if (read.Outcome is { } outcome && outcome != ResumeOutcome.Recovered)
        {
            Log.ResumeIncomplete(_services.Logger, Id, UserId ?? "-", subscription.Stream.Name, outcome, position!.Value.Epoch ?? "-", position.Value.Seq, read.Messages.Count);
        }
    }

    private void Reply(string code, string message, string? command)
    {
        Log.CommandRefused(_services.Logger, Id, UserId ?? "-", command ?? "-", code, message);
        TryEnqueue(OutboundFrame.Control(Envelopes.Error(code, message, command)));
    }
}
