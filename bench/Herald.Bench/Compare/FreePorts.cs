using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Herald.Bench.Cli;

namespace Herald.Bench.Compare;

/// <summary>
/// Where each server of a comparison listens: a port the system picks on 127.0.0.1, or the first free one of a range
/// (<c>--ports FROM-TO</c>, for a machine where each user has a range of their own).
/// </summary>
internal sealed class FreePorts
{
    private readonly int _from;
    private readonly int _to;

    private FreePorts(int from, int to)
    {
        _from = from;
        _to = to;
    }

    /// <exception cref="UsageException">Not FROM-TO with 1024 ≤ FROM ≤ TO ≤ 65535.</exception>
    public static FreePorts Parse(string? range)
    {
        if (range is null)
        {
            return new FreePorts(0, 0);
        }

        var parts = range.Split('-');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var to)
            && from is >= 1024 and <= 65535 && to >= from && to <= 65535)
        {
            return new FreePorts(from, to);
        }

        throw new UsageException($"--ports must be FROM-TO, two ports from 1024 to 65535 (was '{range}')");
    }

    /// <summary>A port nothing listens on right now.</summary>
    /// <exception cref="BenchFailedException">Every port of the range is taken.</exception>
    public int Next()
    {
        if (_from == 0)
        {
            return Bind(0) ?? throw new BenchFailedException("the system gave no free port on 127.0.0.1");
        }

        for (var port = _from; port <= _to; port++)
        {
            if (Bind(port) is { } free)
            {
                return free;
            }
        }

        throw new BenchFailedException($"every port from {_from} to {_to} on 127.0.0.1 is taken");
    }

    private static int? Bind(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return ((IPEndPoint)socket.LocalEndPoint!).Port;
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
