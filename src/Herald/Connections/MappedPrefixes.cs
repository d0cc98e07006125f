namespace Herald.Connections;

/// <summary>
/// Where <c>MapHerald()</c> put the endpoints, so the start-up report names the real paths and the direct path
/// knows its WebSocket paths. Read on every connection, so reading allocates nothing: each change replaces the arrays.
/// </summary>
internal sealed class MappedPrefixes
{
    private readonly Lock _gate = new();
    private volatile string[] _prefixes = [];
    private volatile string[] _webSocketPaths = [];

    public void Add(string prefix)
    {
        lock (_gate)
        {
            var trimmed = prefix.TrimEnd('/');
            _prefixes = [.. _prefixes, trimmed];
            _webSocketPaths = [.. _webSocketPaths, $"{trimmed}/ws"];
        }
    }

    /// <summary>Every prefix mapped so far, without its trailing slash.</summary>
    public IReadOnlyList<string> Snapshot() => _prefixes;

    /// <summary>Every WebSocket path mapped so far (the prefix and <c>/ws</c>).</summary>
    public ReadOnlySpan<string> WebSocketPaths => _webSocketPaths;
}
