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
        var any = false;
        foreach (var value in offered)
        {
            foreach (var token in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (token == HeraldV1)
                {
                    flavour = WireFlavour.HeraldV1;
                    return true;
                }

                any = true;
            }
        }

        flavour = WireFlavour.Seed;
        return !any;
    }

    /// <summary>The subprotocol a 101 names for <paramref name="flavour"/>: herald.v1, or none for the seed flavour.</summary>
    public static string? Selected(WireFlavour flavour) => flavour == WireFlavour.HeraldV1 ? HeraldV1 : null;
}
