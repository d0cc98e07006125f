using System.Buffers;
using System.Text;

namespace Herald.Connections;

/// <summary>
/// Where <c>MapHerald()</c> put the endpoints, so the start-up report names the real paths and the direct path
/// know their WebSocket and <c>/send</c> paths. Read on every connection, so reading allocates nothing: each change replaces the arrays.
/// </summary>
internal sealed class MappedPrefixes
{
    private readonly Lock _gate = new();
    private volatile string[] _prefixes = [];
    private volatile string[] _webSocketPaths = [];
    private volatile string[] _sendPaths = [];

    public void Add(string prefix)
    {
        lock (_gate)
        {
            var trimmed = prefix.TrimEnd('/');
            _prefixes = [.. _prefixes, trimmed];
            _webSocketPaths = [.. _webSocketPaths, $"{trimmed}/ws"];
            _sendPaths = [.. _sendPaths, $"{trimmed}/send"];
        }
    }

    /// <summary>Every prefix mapped so far, without its trailing slash.</summary>
    public IReadOnlyList<string> Snapshot() => _prefixes;

    /// <summary>Every WebSocket path mapped so far (the prefix and <c>/ws</c>).</summary>
    public ReadOnlySpan<string> WebSocketPaths => _webSocketPaths;

    /// <summary>Every <c>/send</c> path mapped so far (the prefix and <c>/send</c>).</summary>
    public ReadOnlySpan<string> SendPaths => _sendPaths;

    /// <summary>The one of <paramref name="paths"/> that <paramref name="path"/>, a request's raw path, is exactly, or null.</summary>
    public static string? Find(ReadOnlySpan<string> paths, in ReadOnlySequence<byte> path)
    {
        foreach (var candidate in paths)
        {
            if (path.Length == candidate.Length && Matches(path, candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool Matches(in ReadOnlySequence<byte> path, string expected)
    {
        if (path.IsSingleSegment)
        {
            return Ascii.Equals(path.FirstSpan, expected);
        }

        Span<byte> copy = expected.Length <= 256 ? stackalloc byte[256] : new byte[expected.Length];
        copy = copy[..expected.Length];
        path.CopyTo(copy);
        return Ascii.Equals(copy, expected);
    }
}
