using System.Buffers;
using System.Text;
using Herald.Connections;
using Herald.Protocol;

namespace Herald.Tests.Connections;

/// <summary>What a parser that answered Complete found, as values a test can compare.</summary>
/// <param name="Path">The request's path, without its query.</param>
/// <param name="Key">The Sec-WebSocket-Key.</param>
/// <param name="Flavour">The flavour the subprotocols ask for, or null when they ask for none Herald speaks.</param>
internal sealed record ParsedHead(string Path, string Key, WireFlavour? Flavour)
{
    public static ParsedHead Of(in RequestHeadParser parser, ReadOnlySequence<byte> buffer) => new(
        Encoding.ASCII.GetString(parser.Path(buffer)),
        Encoding.ASCII.GetString(parser.WebSocketKey),
        parser.TrySelectFlavour(out var flavour, out _) ? flavour : null);
}
