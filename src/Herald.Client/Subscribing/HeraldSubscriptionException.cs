namespace Herald.Client;

/// <summary>The server refused to subscribe to a topic (an <c>error</c> envelope answered the <c>subscribe</c>).</summary>
public sealed class HeraldSubscriptionException : Exception
{
    /// <summary>Creates the exception for a refused subscription.</summary>
    public HeraldSubscriptionException(string topic, string code, string message)
        : base(message)
    {
        Topic = topic;
        Code = code;
    }

    /// <summary>The topic that was refused.</summary>
    public string Topic { get; }

    /// <summary>
    /// The protocol's error code: <c>too_many_topics</c>, <c>topic_not_allowed</c> (the credential does not grant the
    /// topic), <c>auth_unavailable</c> (the server could not check it now; subscribe again later), <c>invalid_topic</c>.
    /// </summary>
    public string Code { get; }
}
