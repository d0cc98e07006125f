using System.Net;

namespace Herald.Auth;

/// <summary>Which callers count as loopback: 127.0.0.0/8, ::1, and those two written as IPv4-mapped IPv6 (::ffff:127.0.0.1).</summary>
internal static class LoopbackCallers
{
    /// <summary>
    /// Whether <paramref name="address"/>, the connection's remote address, is loopback. Null (a Unix socket, a named
    /// pipe, an in-memory server) is not: a caller whose address is unknown gets nothing a loopback one would.
    /// </summary>
    public static bool Includes(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
