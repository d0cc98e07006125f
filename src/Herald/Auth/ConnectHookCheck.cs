namespace Herald.Auth;

/// <summary>Which question the connect hook is asked (the request's <c>type</c>, and the metric's <c>check</c>).</summary>
internal enum ConnectHookCheck
{
    /// <summary>Who an upgrade's cookies and headers say the client is.</summary>
    Connect,

    /// <summary>Whether a user may subscribe to a topic its grants do not cover.</summary>
    Subscribe,
}
