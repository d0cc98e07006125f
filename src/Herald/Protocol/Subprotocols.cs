using System.Text;

namespace Herald.Protocol;

/// <summary>Which wire flavour a handshake's Sec-WebSocket-Protocol asks for: one rule for both WebSocket paths.</summary>
internal static class Subprotocols
{
    public const string HeraldV1 = "herald.v1";

    /// <summary>
    /// No subprotocol asked for means the seed flavour; <c>herald.v1</c> among those offered means herald.v1.
    /// Offering only others is refused: the seed flavour would break a client that expects one of them.
    /// </summary>
    /// <param name="offered">Every Sec-WebSocket-Protocol value of the request (each may be a comma-separated list).</param>
    /// <param name="flavour">The flavour the connection will speak.</param>
    /// <returns>False when subprotocols were offered and none is herald.v1.</returns>
    public static bool TrySelect(IEnumerable<string?> offered, out WireFlavour flavour)
    {
        var (heraldV1, any) = (false, false);
        foreach (var value in offered)
        {
            foreach (var token in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                heraldV1 |= token == HeraldV1;
                any = true;
            }
        }

        return TrySelect(heraldV1, any, out flavour);
    }

    /// <summary>
    /// Reads one <c>Sec-WebSocket-Protocol</c> value (a comma-separated list) on its bytes, adding to what earlier
    /// lines offered: the direct path's way of calling <see cref="TrySelect(bool, bool, out WireFlavour)"/>.
    /// </summary>
    public static void Read(ReadOnlySpan<byte> value, ref bool heraldV1Offered, ref bool anyOffered)
    {
        while (!value.IsEmpty)
        {
            var comma = value.IndexOf((byte)',');
            var token = (comma < 0 ? value : value[..comma]).Trim(" \t"u8);
            heraldV1Offered |= Ascii.Equals(token, HeraldV1);
            anyOffered |= !token.IsEmpty;
            value = comma < 0 ? [] : value[(comma + 1)..];
        }
    }

    /// <summary>The rule itself, once the offers are read.</summary>
    /// <param name="heraldV1Offered">Whether herald.v1 is among the offered subprotocols.</param>
    /// <param name="anyOffered">Whether any subprotocol was offered.</param>
    /// <param name="flavour">The flavour the connection will speak.</param>
    /// <returns>False when subprotocols were offered and none is herald.v1.</returns>
    public static bool TrySelect(bool heraldV1Offered, bool anyOffered, out WireFlavour flavour)
    {
        flavour = heraldV1Offered ? WireFlavour.HeraldV1 : WireFlavour.Seed;
        return heraldV1Offered || !anyOffered;
    }

    /// <summary>The subprotocol a 101 names for <paramref name="flavour"/>: herald.v1, or none for the seed flavour.</summary>
    public static string? Selected(WireFlavour flavour) => flavour == WireFlavour.HeraldV1 ? HeraldV1 : null;
}
