using System.Text;

namespace Herald.Connections;

/// <summary>
/// The parts of an HTTP/1.1 request head that decide whether it is a WebSocket upgrade Herald can take directly.
/// Parsing is deliberately narrow: anything unusual is left to ASP.NET Core, which answers it properly.
/// </summary>
internal readonly record struct UpgradeRequest(string Method, string Path, string Version, string? Host, string? Upgrade, string? Connection, string? WebSocketVersion, string? WebSocketKey, IReadOnlyList<string> Subprotocols, bool HasBody)
{
    /// <summary>Reads a request head (ASCII, lines ending in CRLF, the blank line excluded).</summary>
    /// <returns>Null when the head is not a well-formed HTTP/1.1 request head.</returns>
    public static UpgradeRequest? Parse(ReadOnlySpan<byte> head)
    {
        var text = Encoding.ASCII.GetString(head);
        var lines = text.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3)
        {
            return null;
        }

        string? host = null, upgrade = null, connection = null, version = null, key = null;
        var subprotocols = new List<string>();
        var hasBody = false;
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return null;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim();
            switch (name.ToUpperInvariant())
            {
                case "HOST": host = value; break;
                case "UPGRADE": upgrade = value; break;
                case "CONNECTION": connection = value; break;
                case "SEC-WEBSOCKET-VERSION": version = value; break;
                case "SEC-WEBSOCKET-KEY": key = value; break;
                case "SEC-WEBSOCKET-PROTOCOL": subprotocols.Add(value); break;
                case "CONTENT-LENGTH" or "TRANSFER-ENCODING": hasBody = true; break;
            }
        }

        var target = requestLine[1];
        var query = target.IndexOf('?', StringComparison.Ordinal);
        return new UpgradeRequest(requestLine[0], query < 0 ? target : target[..query], requestLine[2], host, upgrade, connection, version, key, subprotocols, hasBody);
    }

    public static bool HasToken(string? header, string token) =>
        header is not null && header.Split(',').Any(part => part.Trim().Equals(token, StringComparison.OrdinalIgnoreCase));
}
