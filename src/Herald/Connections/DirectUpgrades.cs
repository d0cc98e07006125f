using System.Buffers;
using System.Net;
using Herald.Protocol;

namespace Herald.Connections;

/// <summary>
/// What the direct paths (Kestrel's connection middleware, and Herald's socket transport before Kestrel) decide
/// about a connection's first request head: whether Herald takes it as a WebSocket itself, with which flavour,
/// credentials and client address, or why it leaves it to ASP.NET Core, which then accepts or refuses it with the
/// same rules. Taking it holds a slot of <see cref="ConnectionSlots"/> for the client.
/// </summary>
internal sealed class DirectUpgrades(ConnectionHandler handler, MappedPrefixes mappedPrefixes, UpgradeGate gate)
{
    /// <summary>Runs the accepted WebSockets.</summary>
    public ConnectionHandler Handler => handler;

    /// <param name="parser">The parser that read <paramref name="buffer"/>.</param>
    /// <param name="buffer">The bytes from the start of the connection.</param>
    /// <param name="status">What the parser answered.</param>
    /// <param name="remote">The peer.</param>
    /// <param name="accepted">The upgrade Herald takes, when the answer is null.</param>
    /// <returns>Why the head is left to ASP.NET Core, or null when Herald takes it.</returns>
    public UpgradeDeclineReason? Decide(in RequestHeadParser parser, in ReadOnlySequence<byte> buffer, HeadParseStatus status, EndPoint? remote, out DirectUpgrade accepted)
    {
        var (flavour, subprotocol) = (WireFlavour.Seed, (string?)null);
        var declined = status switch
        {
            HeadParseStatus.Complete => DeclineReasonFor(parser, buffer, out flavour, out subprotocol),
            HeadParseStatus.Declined => parser.DeclineReason,
            _ => UpgradeDeclineReason.InputEnded,
        };
        HandshakeCredentials? credentials = null;
        var peer = (remote as IPEndPoint)?.Address;
        var client = peer;
        if (declined is null && gate.ReadsHead(peer))
        {
            // Only a server with authentication, an origin list or known proxies reads the head's fields (and makes their strings).
            var head = UpgradeHead.FromBytes(buffer.Slice(0, parser.HeadLength), gate.HeaderNames);
            client = gate.ClientAddress(head, peer);
            if (gate.Check(head) is not null)
            {
                // ASP.NET Core's path makes the same check and answers it with problem details.
                declined = UpgradeDeclineReason.RefusedByGate;
            }
            else
            {
                credentials = gate.CredentialsFrom(head, RemoteAddresses.ForHook(client, peer, remote?.ToString() ?? "unknown"));
            }
        }

        // The last check, so that no slot is taken for an upgrade declined for another reason. A refusal holds no
        // slot either: ASP.NET Core's path takes the upgrade next and makes the same check, with its own slots.
        if (declined is null && gate.Admit(client) is not null)
        {
            declined = UpgradeDeclineReason.RefusedByLimit;
        }

        accepted = new DirectUpgrade(flavour, subprotocol, credentials, client);
        return declined;
    }

    /// <summary>Gives back the slot an accepted upgrade took, when its handshake failed before the WebSocket ran.</summary>
    public void ReturnUnused(in DirectUpgrade upgrade) => gate.ReturnUnused(upgrade.Client);

    /// <summary>Why a valid upgrade is not one Herald takes directly now, or null when it is (with its flavour).</summary>
    private UpgradeDeclineReason? DeclineReasonFor(in RequestHeadParser parser, in ReadOnlySequence<byte> buffer, out WireFlavour flavour, out string? subprotocol)
    {
        (flavour, subprotocol) = (WireFlavour.Seed, null);
        if (MappedPrefixes.Find(mappedPrefixes.WebSocketPaths, parser.Path(buffer)) is null)
        {
            return UpgradeDeclineReason.NotHeraldPath;
        }

        if (!parser.TrySelectFlavour(out flavour, out subprotocol))
        {
            return UpgradeDeclineReason.UnsupportedSubprotocol;
        }

        return handler.IsAccepting ? null : UpgradeDeclineReason.ShuttingDown;
    }
}

/// <summary>A WebSocket upgrade a direct path takes: its flavour, what it logs in with, and the client it counts against.</summary>
internal readonly record struct DirectUpgrade(WireFlavour Flavour, string? Subprotocol, HandshakeCredentials? Credentials, IPAddress? Client);
