using System.Net;
using Herald.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Herald.Auth;

/// <summary>
/// Who made an API request, as the rate limit, the refusal log lines and the metric tell callers apart: by API key
/// (its name), by the user of the app's own scheme when it has put one in place, else by client IP.
/// </summary>
/// <param name="Partition">The caller's share of the rate limit and of the refusal lines.</param>
/// <param name="KeyTag">The key's name for the metric, or <see cref="NoKey"/>: never a user name or an address, which have no bound.</param>
/// <param name="Description">How a log line names the caller, made safe for it.</param>
internal readonly record struct ApiCaller(string Partition, string KeyTag, string Description)
{
    /// <summary>The metric's key tag for a request that carried no valid Herald key.</summary>
    public const string NoKey = "-";

    public static ApiCaller Of(HttpContext context, ApiKeyStore keys)
    {
        if (ApiKeyPrincipal.KeyOf(context.User, keys) is { } key)
        {
            return new ApiCaller(key.Partition, key.Name, key.Description);
        }

        if (context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } user })
        {
            return new ApiCaller("user:" + user, NoKey, $"user '{LogText.Escape(user)}'");
        }

        var address = AddressOf(context);
        return new ApiCaller("ip:" + address, NoKey, address);
    }

    /// <summary>The client's address as text, IPv4-mapped addresses as IPv4, so both forms share one partition.</summary>
    public static string AddressOf(HttpContext context) => AddressOf(context.Connection.RemoteIpAddress);

    /// <summary>The address as text, IPv4-mapped addresses as IPv4.</summary>
    public static string AddressOf(IPAddress? address) => address switch
    {
        null => "an unknown address",
        { IsIPv4MappedToIPv6: true } mapped => mapped.MapToIPv4().ToString(),
        _ => address.ToString(),
    };
}
