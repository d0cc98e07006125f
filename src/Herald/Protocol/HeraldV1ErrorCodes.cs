namespace Herald;

/// <summary>
/// The <c>code</c> of a herald.v1 <c>error</c> envelope: the server's answer to a client message it refused, with
/// the connection left open. Public contract, like <see cref="HeraldCloseCodes"/>: docs/protocol.md lists them.
/// </summary>
public static class HeraldV1ErrorCodes
{
    /// <summary>The message is not a command: not JSON, not an object, no string <c>type</c>, or a field of the wrong shape.</summary>
    public const string InvalidCommand = "invalid_command";

    /// <summary>The <c>type</c> is not one this server knows.</summary>
    public const string UnknownType = "unknown_type";

    /// <summary>A subscribe or unsubscribe came before the login.</summary>
    public const string NotLoggedIn = "not_logged_in";

    /// <summary>The topic name breaks the topic rules.</summary>
    public const string InvalidTopic = "invalid_topic";

    /// <summary>The connection is on that topic already.</summary>
    public const string AlreadySubscribed = "already_subscribed";

    /// <summary>The connection is on as many topics as <see cref="HeraldOptions.MaxTopicsPerConnection"/> allows.</summary>
    public const string TooManyTopics = "too_many_topics";

    /// <summary>The connection's credential does not grant that topic (and the connect hook, when it checks subscribes, refused it).</summary>
    public const string TopicNotAllowed = "topic_not_allowed";

    /// <summary>A refresh's token was refused (invalid, expired, or this connection did not log in with a token); the connection keeps its current one until it expires.</summary>
    public const string InvalidToken = "invalid_token";

    /// <summary>A subscribe could not be checked now (the connect hook failed, was slow or is switched off); retry later.</summary>
    public const string AuthUnavailable = "auth_unavailable";
}
