using System.Net;

namespace Herald.Hosting;

/// <summary>The rules of <c>Herald:ForwardedHeaders</c> (docs/configuration.md, "Limits on clients"; docs/security.md).</summary>
internal sealed partial class HeraldOptionsValidator
{
    private const string Forwarded = "ForwardedHeaders";

    private static void ValidateForwardedHeaders(List<string> failures, HeraldOptions options)
    {
        var forwarded = options.ForwardedHeaders;
        if (!string.Equals(forwarded.Header, HeraldForwardedHeadersOptions.XForwardedFor, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(forwarded.Header, HeraldForwardedHeadersOptions.Forwarded, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Herald:{Forwarded}:Header must be {HeraldForwardedHeadersOptions.XForwardedFor} or {HeraldForwardedHeadersOptions.Forwarded} (was '{forwarded.Header}').");
        }

        foreach (var proxy in forwarded.KnownProxies)
        {
            // IPAddress also reads "10" as 0.0.0.10; a proxy is written in full.
            if (proxy is null || !IPAddress.TryParse(proxy, out _) || proxy.AsSpan().IndexOfAny('.', ':') < 0)
            {
                failures.Add($"Herald:{Forwarded}:KnownProxies has '{proxy}', which is not an IP address such as 10.0.0.5 or 2001:db8::5 (list networks under KnownNetworks).");
            }
        }

        foreach (var network in forwarded.KnownNetworks)
        {
            // IPNetwork masks "10.0.0.1/8" to 10.0.0.0/8: more trust than a typo of one proxy's address meant.
            if (network is null || !IPNetwork.TryParse(network, out var parsed) || !IPAddress.Parse(network.AsSpan(0, network.IndexOf('/', StringComparison.Ordinal))).Equals(parsed.BaseAddress))
            {
                failures.Add($"Herald:{Forwarded}:KnownNetworks has '{network}', which is not a network in CIDR notation such as 10.0.0.0/8 or 2001:db8::/32 (with no address bits set after the prefix).");
            }
            else if (parsed.PrefixLength == 0)
            {
                failures.Add($"Herald:{Forwarded}:KnownNetworks has '{network}', which would make every peer a proxy and let any client name its own address.");
            }
        }
    }
}
