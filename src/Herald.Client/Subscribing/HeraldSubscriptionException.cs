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

    /// <summary>The protocol's error code, such as <c>too_many_topics</c> or <c>invalid_topic</c>.</summary>
    public string Code { get; }
}
