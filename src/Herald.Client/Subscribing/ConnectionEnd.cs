namespace Herald.Client.Subscribing;

/// <summary>How one connection (or one attempt to open it) ended, and whether the subscriber may try again.</summary>
/// <param name="CloseStatus">The close code; 1006 when an open connection ended without a Close frame; null when none was open.</param>
/// <param name="CloseReason">The Close frame's reason text, when there was one.</param>
/// <param name="Error">The failure behind the end, when it was one.</param>
/// <param name="LoggedIn">True when the connection had logged in: the next attempt counts from 1 again.</param>
/// <param name="IsFinal">
/// True when reconnecting would not help whatever the close code (a server without herald.v1, the subscriber
/// disposed); the connection task applies <see cref="CloseCodeRules"/> to <paramref name="CloseStatus"/> itself.
/// </param>
internal sealed record ConnectionEnd(int? CloseStatus, string? CloseReason, Exception? Error, bool LoggedIn, bool IsFinal)
{
    /// <summary>The code browsers report for a connection that ended without a Close frame.</summary>
    public const int AbnormalClosure = 1006;
}
