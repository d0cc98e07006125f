namespace Herald.Client.Subscribing;

/// <summary>Which close codes end a subscriber instead of making it reconnect (docs/client.md, "What ends a subscriber").</summary>
internal static class CloseCodeRules
{
    /// <summary>The client sent more messages than the server's ClientMessagesPerSecond and ClientMessageBurst allow (4006).</summary>
    public const int MessageRateExceeded = 4006;

    /// <summary>The token is not one the server accepts (herald.v1 close 4010).</summary>
    public const int InvalidToken = 4010;

    /// <summary>The token expired, at login or later without a refresh (4011).</summary>
    public const int TokenExpired = 4011;

    /// <summary>
    /// True for the codes after which the same login would fail the same way, or must not be repeated: the
    /// backend disconnected the user (4004), the login was refused (4012: no acceptable credential, another user's),
    /// or the client broke a rule (1002, 1007, 1009, 4000, 4002). A token refused at login (4010, 4011, with
    /// <paramref name="loggedIn"/> false) ends the subscriber when it has no token provider to ask for a new one (the
    /// next login would carry the same credential), or when the provider's new token was refused as well:
    /// <paramref name="tokenRefusals"/> counts the refusals since the last connection that logged in, this one
    /// included. A credential that expired on a logged-in connection (4011) is reconnected from: the next login
    /// brings a new one, from the provider or from the connect hook, which is asked again. Every other code is
    /// reconnected from too: 1001 shutdown, 4001 login timeout, 4003 slow consumer, 4005 too many connections of the
    /// user and 4006 over the message rate (both may clear), 4013 authentication unavailable (retry later), 1006,
    /// and codes added later.
    /// </summary>
    public static bool EndsSubscriber(int closeStatus, bool loggedIn, bool hasTokenProvider, int tokenRefusals) => closeStatus switch
    {
        1002 or 1007 or 1009 or 4000 or 4002 or 4004 or 4012 => true,
        InvalidToken or TokenExpired => !loggedIn && (!hasTokenProvider || tokenRefusals > 1),
        _ => false,
    };

    /// <summary>
    /// True for the codes after which the next connection counts as a further attempt even when this one had logged
    /// in: 4006, over the client message rate. The next login sends the same burst (the login, every remembered
    /// topic), so a subscriber cut for it again and again waits longer each time, and gives up after
    /// <see cref="HeraldReconnectPolicy.MaxAttempts"/>, instead of reconnecting at the first backoff's pace forever.
    /// </summary>
    public static bool CountsAsFailedAttempt(int? closeStatus) => closeStatus is MessageRateExceeded;

    /// <summary>True for the codes that refuse the token itself (4010, 4011): a new one from the provider may do.</summary>
    public static bool IsTokenRefusal(int? closeStatus) => closeStatus is InvalidToken or TokenExpired;
}
