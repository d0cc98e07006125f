using System.Net;

namespace Herald.Bench.Net;

/// <summary>
/// Hands out client source addresses round-robin from 127.0.0.2–127.0.0.250, so tens of thousands of sockets
/// (and the TIME_WAIT entries churn leaves behind) spread over many address/port spaces instead of one.
/// </summary>
internal sealed class SourceAddressPool
{
    private const int First = 2;
    private const int Last = 250;

    private readonly IPAddress[] _addresses = BuildAddresses();
    private uint _next;

    public int Count => _addresses.Length;

    public IPAddress Next() => _addresses[(Interlocked.Increment(ref _next) - 1) % (uint)_addresses.Length];

    private static IPAddress[] BuildAddresses()
    {
        var addresses = new IPAddress[Last - First + 1];
        for (var i = 0; i < addresses.Length; i++)
        {
            addresses[i] = new IPAddress([127, 0, 0, (byte)(First + i)]);
        }

        return addresses;
    }
}
