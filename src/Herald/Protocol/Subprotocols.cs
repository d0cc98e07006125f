using System.Text;

namespace Herald.Protocol;

/// <summary>Which wire flavour a handshake's Sec-WebSocket-Protocol asks for: one rule for both WebSocket paths.</summary>
internal static class Subprotocols
{
    public const string HeraldV1 = "herald.v1";

    /// <summary>
    /// The seed flavour by name, for a browser that must offer a subprotocol (to carry a token in
    /// <see cref="TokenPrefix"/>): a browser fails a handshake whose answer selects none of those it offered.
    /// </summary>
    public const string HeraldSeed = "herald.seed";

    /// <summary>
    /// An offer that carries a token rather than naming a protocol (<c>herald.token.&lt;JWT&gt;</c>): it never
    /// counts as a protocol offered and is never selected. A JWT is made of token characters, so it fits.
    /// </summary>
    public const string TokenPrefix = "herald.token.";

    /// <summary>
    /// No subprotocol asked for means the seed flavour; <c>herald.v1</c> among those offered means herald.v1, else
    /// <c>herald.seed</c> the seed flavour by name. Offering only others is refused: the seed flavour would break a
    /// client that expects one of them. Token offers (<see cref="TokenPrefix"/>) are no protocols.
    /// </summary>
    /// <param name="offered">Every Sec-WebSocket-Protocol value of the request (each may be a comma-separated list).</param>
    /// <param name="flavour">The flavour the connection will speak.</param>
    /// <param name="selected">The subprotocol the 101 names, or null for none.</param>
    /// <returns>False when subprotocols were offered and none is Herald's.</returns>
    public static bool TrySelect(IEnumerable<string?> offered, out WireFlavour flavour, out string? selected)
    {
        var offers = default(SubprotocolOffers);
        foreach (var value in offered)
        {
            Read(Encoding.UTF8.GetBytes(value ?? string.Empty), ref offers);
        }

        return TrySelect(offers, out flavour, out selected);
    }

    /// <summary>
    /// Reads one <c>Sec-WebSocket-Protocol</c> value (a comma-separated list) on its bytes, adding to what earlier
    /// lines offered: the direct path's way of calling <see cref="TrySelect(in SubprotocolOffers, out WireFlavour, out string?)"/>.
    /// </summary>
    public static void Read(ReadOnlySpan<byte> value, ref SubprotocolOffers offers)
    {
        while (!value.IsEmpty)
        {
            var comma = value.IndexOf((byte)',');
            var token = (comma < 0 ? value : value[..comma]).Trim(" \t"u8);
            if (Ascii.Equals(token, HeraldV1))
            {
                offers.HeraldV1 = true;
            }
            else if (Ascii.Equals(token, HeraldSeed))
            {
                offers.HeraldSeed = true;
            }
            else if (!token.IsEmpty && !token.StartsWith("herald.token."u8))
            {
                offers.Other = true;
            }

            value = comma < 0 ? [] : value[(comma + 1)..];
        }
    }

    /// <summary>The rule itself, once the offers are read.</summary>
    public static bool TrySelect(in SubprotocolOffers offers, out WireFlavour flavour, out string? selected)
    {
        (flavour, selected) = offers.HeraldV1 ? (WireFlavour.HeraldV1, HeraldV1)
            : offers.HeraldSeed ? (WireFlavour.Seed, HeraldSeed)
            : (WireFlavour.Seed, (string?)null);
        return selected is not null || !offers.Other;
    }

    /// <summary>The token of the first <see cref="TokenPrefix"/> offer, or null when there is none.</summary>
    public static string? FindToken(IEnumerable<string?> offered)
    {
        foreach (var value in offered)
        {
            foreach (var token in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (token.StartsWith(TokenPrefix, StringComparison.Ordinal) && token.Length > TokenPrefix.Length)
                {
                    return token[TokenPrefix.Length..];
                }
            }
        }

        return null;
    }
}

/// <summary>What a handshake's <c>Sec-WebSocket-Protocol</c> lines offered, as <see cref="Subprotocols"/> reads them.</summary>
internal struct SubprotocolOffers
{
    public bool HeraldV1;
    public bool HeraldSeed;

    /// <summary>A protocol that is not Herald's (token offers do not count).</summary>
    public bool Other;
}
