using Herald.Diagnostics;
using Herald.Routing;
using Herald.Streams;
using Herald.WebSockets;
using Microsoft.Extensions.Logging;

namespace Herald.Protocol;

/// <summary>
/// The herald.v1 flavour (docs/protocol.md): JSON commands in (login with resume, subscribe, unsubscribe, refresh,
/// ping), JSON envelopes out. A refused command is answered with an <c>error</c> envelope and the connection stays
/// open; a refused login closes it. A credential from the handshake is verified at once but logs in only with the
/// login command, which carries the resume positions.
/// </summary>
internal sealed class HeraldV1Session(WebSocketConnection connection, ConnectionRegistry registry, SessionServices services, HandshakeCredentials? handshake)
    : WireSession(connection, registry, services, handshake)
{
    protected override string FlavourName => Subprotocols.HeraldV1;

    public override bool RequestResume() =>
        Connection.RequestClose(HeraldCloseCodes.ResumeRequired, "missed messages: resume", discardQueued: true);

    protected override IReadOnlyList<string>? DescribeTopics() => TopicsSnapshot();

    // Pongs replace each other in the queue: a client that pipelines pings without reading gets one answer waiting, not thousands.
    private static readonly OutboundFrame PongFrame = OutboundFrame.Control(Envelopes.Pong(), replaceKey: "\0pong");

    // The handshake's verified identity until the login command uses it.
    private ConnectionIdentity? _handshakeIdentity;

    public override MessageFormat Format => HeraldV1Format.Instance;

    protected override TimeSpan ExpiryNotice => Services.Authority.RefreshNotice;

    protected override ValueTask OnHandshakeIdentityAsync(ConnectionIdentity identity)
    {
        _handshakeIdentity = identity;
        return ValueTask.CompletedTask;
    }

    protected override void OnExpiryNotice(DateTimeOffset expiresAt) =>
        TryEnqueue(OutboundFrame.Control(Envelopes.TokenExpiring(expiresAt)), replayed: false);

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
            case CommandKind.Refresh when UserId is null:
                Refuse(HeraldV1ErrorCodes.NotLoggedIn, "log in first", "refresh");
                break;
            case CommandKind.Refresh:
                await OnRefreshAsync(command.Token!);
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
        var problem = error?.Message
            ?? (userId is not null || command!.Token is not null || _handshakeIdentity is not null ? null : "uid or token is required")
            ?? (userId is null ? null : UserIdRules.Validate(userId, Services.Options.MaxUserIdLength));
        if (problem is not null)
        {
            RejectLogin(HeraldCloseCodes.InvalidLogin, problem, problem);
            return;
        }

        if (await IdentifyAsync(userId, command!.Token) is not { } identity)
        {
            return;
        }

        var userStream = StreamId.ForUser(identity.UserId);
        var resume = command.Resume ?? new Dictionary<string, StreamPosition>();
        if (resume.Keys.FirstOrDefault(name => name != userStream.Name && name != StreamId.BroadcastName) is { } other)
        {
            problem = $"resume may name only {userStream.Name} and {StreamId.BroadcastName} (was '{other}')";
            RejectLogin(HeraldCloseCodes.InvalidLogin, problem, problem);
            return;
        }

        if (!LogIn(identity, joining: true))
        {
            return;
        }

        TryEnqueue(OutboundFrame.Control(Envelopes.Welcome(identity.UserId, Connection.Id, identity.ExpiresAt)), replayed: false);
        await CompleteJoinAsync(User!, resume.TryGetValue(userStream!.Name, out var userPosition) ? userPosition : null);
        if (Connection.IsClosing)
        {
            return;
        }

        await CompleteJoinAsync(Broadcast!, resume.TryGetValue(StreamId.BroadcastName, out var broadcastPosition) ? broadcastPosition : null);
    }

    /// <summary>
    /// Who the login is, from the handshake's credential, the login's token or (anonymous) its uid; a uid beside a
    /// credential must be the credential's. Null once it has closed the connection.
    /// </summary>
    private async ValueTask<ConnectionIdentity?> IdentifyAsync(string? userId, string? token)
    {
        ConnectionIdentity? identity;
        if (_handshakeIdentity is { } fromHandshake)
        {
            if (token is not null)
            {
                RejectLogin(HeraldCloseCodes.LoginRefused, "the handshake carried a credential already", "a login token beside the handshake's credential");
                return null;
            }

            (identity, _handshakeIdentity) = (fromHandshake, null);
        }
        else if (token is not null)
        {
            var check = await Services.Authority.CheckTokenAsync(token, CancellationToken.None);
            if (check.Identity is null)
            {
                RejectCredential(check);
                return null;
            }

            identity = check.Identity;
        }
        else
        {
            return AnonymousIdentity(userId!);
        }

        if (userId is not null && userId != identity.UserId)
        {
            RejectLogin(HeraldCloseCodes.LoginRefused, "uid is not the credential's user", "a uid that is not the credential's user");
            return null;
        }

        return Connection.IsClosing ? null : identity;
    }

    /// <summary>
    /// A refreshed token: for the same user, it replaces the credential (grants and expiry), and the topics it no
    /// longer grants are left. Refused, the old credential stays until it expires; another user's closes the connection.
    /// </summary>
    private async ValueTask OnRefreshAsync(string token)
    {
        if (Credential is not { Source: IdentitySource.Token })
        {
            Refuse(HeraldV1ErrorCodes.InvalidToken, "only a connection that logged in with a token can refresh it", "refresh");
            return;
        }

        var check = await Services.Authority.CheckTokenAsync(token, CancellationToken.None);
        if (check.Identity is not { } identity)
        {
            Refuse(HeraldV1ErrorCodes.InvalidToken, check.Reason, "refresh");
            return;
        }

        if (identity.UserId != UserId)
        {
            RejectLogin(HeraldCloseCodes.LoginRefused, "refreshed token is for another user", "a refresh with another user's token");
            return;
        }

        ReplaceCredential(identity);
        foreach (var topic in Topics.Where(topic => !IsGranted(topic)).ToArray())
        {
            LeaveTopic(topic);
            TryEnqueue(OutboundFrame.Control(Envelopes.Left(StreamId.ForTopic(topic))), replayed: false);
        }

        TryEnqueue(OutboundFrame.Control(Envelopes.Refreshed(identity.ExpiresAt)), replayed: false);
        Log.CredentialRefreshed(Services.Logger, Connection.Id, UserForLog, identity.ExpiresAt is { } at ? Envelopes.FormatTime(at) : "never");
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
            Services.Counters.LimitRefused(HeraldLimit.TopicsPerConnection);
            Refuse(HeraldV1ErrorCodes.TooManyTopics, $"a connection may be on at most {limit} topics", "subscribe");
            return;
        }

        if (!IsGranted(topic!) && !await IsAllowedByAuthorityAsync(topic!))
        {
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

    /// <summary>A topic the credential does not grant: the connect hook may allow it, when it checks subscribes.</summary>
    private async ValueTask<bool> IsAllowedByAuthorityAsync(string topic)
    {
        if (Credential is not { } credential)
        {
            Refuse(HeraldV1ErrorCodes.TopicNotAllowed, $"topic '{topic}' is not open to anonymous logins", "subscribe");
            return false;
        }

        var check = await Services.Authority.CheckSubscribeAsync(credential, topic, CancellationToken.None);
        if (check.Verdict == LoginVerdict.Accepted)
        {
            return !Connection.IsClosing;
        }

        Refuse(
            check.Verdict == LoginVerdict.Unavailable ? HeraldV1ErrorCodes.AuthUnavailable : HeraldV1ErrorCodes.TopicNotAllowed,
            check.Reason, "subscribe");
        return false;
    }

    /// <summary>
    /// Reads the stream's history after <paramref name="position"/> and completes the join: <c>joined</c>, the replay,
    /// then live. When the history cannot be read now (the cluster's Redis is away) the connection is closed with
    /// 1013: the client comes back after a backoff and resumes from where it was, which an error would not make it do.
    /// </summary>
    private async ValueTask CompleteJoinAsync(Subscription subscription, StreamPosition? position)
    {
        HistoryRead read;
        try
        {
            read = await Services.History.ReadAsync(subscription.Stream, position, CancellationToken.None);
        }
        catch (BackplaneUnavailableException unavailable)
        {
            Log.JoinUnavailable(Services.Logger, Connection.Id, UserForLog, LogText.Escape(subscription.Stream.Name)!, LogText.Escape(unavailable.Message)!);
            Connection.RequestClose(WebSocketCloseCodes.TryAgainLater, "cluster unavailable: retry", discardQueued: true);
            return;
        }

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
