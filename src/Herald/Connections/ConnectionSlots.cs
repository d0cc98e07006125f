using System.Collections.Concurrent;
using System.Net;
using Herald.Diagnostics;

namespace Herald.Connections;

/// <summary>
/// The slots a WebSocket holds from the moment <see cref="UpgradeGate"/> admits it, before its 101: one of its
/// client address's <see cref="HeraldOptions.MaxConnectionsPerIp"/> until it ends, and one of
/// <see cref="HeraldOptions.MaxPendingLogins"/> until it logs in or ends. Each limit is checked and its slot taken in
/// one atomic step, so a connect storm cannot overshoot either. Whoever took the slots gives them back exactly
/// once: the path, when it does not hand the connection on (the handshake failed), else <see cref="ConnectionHandler"/>.
/// </summary>
/// <remarks>
/// The addresses' counts are one dictionary entry per address with open connections, nothing per connection: an
/// address is counted by its <see cref="AddressKey"/>, a struct, so taking and giving back allocate nothing once
/// the address has its entry. Loopback addresses are not counted while <see cref="HeraldOptions.ExemptLoopbackFromIpLimit"/>
/// holds, nor a connection without an IP peer; whether an address counts depends on it and the options alone, so
/// giving back needs to know only the address.
/// </remarks>
internal sealed class ConnectionSlots(HeraldOptions options)
{
    private readonly ConcurrentDictionary<AddressKey, int> _byAddress = new();
    private int _pending;

    /// <summary>Connections admitted that have neither logged in nor ended yet.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Addresses with at least one counted connection.</summary>
    public int Addresses => _byAddress.Count;

    /// <summary>Takes the slots for one more connection from <paramref name="client"/>.</summary>
    /// <returns>Null when every slot was taken; else the limit that refused, and no slot is held.</returns>
    public HeraldLimit? TryTake(IPAddress? client)
    {
        var counted = Counted(client, out var key);
        if (counted && !TryTakeAddress(key))
        {
            return HeraldLimit.ConnectionsPerIp;
        }

        if (!TryTakePending())
        {
            if (counted)
            {
                ReturnAddress(key);
            }

            return HeraldLimit.PendingLogins;
        }

        return null;
    }

    /// <summary>The connection logged in: its pending-login slot is free.</summary>
    public void ReturnPending() => Interlocked.Decrement(ref _pending);

    /// <summary>The connection ended, or never started: its address slot is free, and its pending-login slot when it still held one.</summary>
    public void Return(IPAddress? client, bool pending)
    {
        if (pending)
        {
            ReturnPending();
        }

        if (Counted(client, out var key))
        {
            ReturnAddress(key);
        }
    }

    private bool Counted(IPAddress? client, out AddressKey key)
    {
        if (client is null || options.MaxConnectionsPerIp == 0)
        {
            key = default;
            return false;
        }

        key = AddressKey.From(client, out var isLoopback);
        return !(isLoopback && options.ExemptLoopbackFromIpLimit);
    }

    private bool TryTakePending()
    {
        var max = options.MaxPendingLogins;
        var pending = Volatile.Read(ref _pending);
        while (pending < max)
        {
            var seen = Interlocked.CompareExchange(ref _pending, pending + 1, pending);
            if (seen == pending)
            {
                return true;
            }

            pending = seen;
        }

        return false;
    }

    private bool TryTakeAddress(AddressKey key)
    {
        var max = options.MaxConnectionsPerIp;
        while (true)
        {
            if (_byAddress.TryGetValue(key, out var count))
            {
                if (count >= max)
                {
                    return false;
                }

                if (_byAddress.TryUpdate(key, count + 1, count))
                {
                    return true;
                }
            }
            else if (_byAddress.TryAdd(key, 1))
            {
                return true;
            }
        }
    }

    private void ReturnAddress(AddressKey key)
    {
        // The last connection of an address removes its entry, only if no one took a slot meanwhile: a taker that
        // loses that race finds the entry gone and adds it again.
        while (_byAddress.TryGetValue(key, out var count))
        {
            if (count == 1 ? _byAddress.TryRemove(new KeyValuePair<AddressKey, int>(key, 1)) : _byAddress.TryUpdate(key, count - 1, count))
            {
                return;
            }
        }
    }
}
