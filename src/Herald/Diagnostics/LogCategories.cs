namespace Herald.Diagnostics;

/// <summary>
/// The log categories operators filter on. They are public names, kept when classes move (as Kestrel names its
/// categories), so a filter written for one release works for the next.
/// </summary>
internal static class LogCategories
{
    /// <summary>Everything about one WebSocket: the engine's events and its session's (docs/operations.md, 2xx).</summary>
    public const string Connections = "Herald.Connections.ClientConnection";
}
