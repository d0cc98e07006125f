namespace Herald.Client.Subscribing;

/// <summary>Which close codes end a subscriber instead of making it reconnect (docs/client.md, "What ends a subscriber").</summary>
internal static class CloseCodeRules
{
    /// <summary>
    /// True for the codes after which the same login would fail the same way, or must not be repeated: the
    /// backend disconnected the user (4004), or the client broke a rule (1002, 1007, 1009, 4000, 4002). Every
    /// other code (1001 shutdown, 4001 login timeout, 4003 slow consumer, 1006, codes added later) is
    /// reconnected from.
    /// </summary>
    public static bool EndsSubscriber(int closeStatus) => closeStatus is 1002 or 1007 or 1009 or 4000 or 4002 or 4004;
}
