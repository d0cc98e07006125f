namespace Herald.Client;

/// <summary>
/// The server refused a token the subscriber sent to refresh its connection's credential (an <c>error</c> envelope
/// answered the <c>refresh</c>). The connection keeps its old token until that expires; then the server closes it
/// with 4011 and the subscriber reconnects with a fresh token. This exception is the <see cref="HeraldSubscriberState.Error"/>
/// of that reconnect.
/// </summary>
public sealed class HeraldTokenRefreshException : Exception
{
    /// <summary>Creates the exception for a refused refresh.</summary>
    public HeraldTokenRefreshException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>The protocol's error code, such as <c>invalid_token</c>.</summary>
    public string Code { get; }
}
