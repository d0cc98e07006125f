using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Herald.Hosting;

/// <summary>
/// The direct WebSocket path on every Kestrel endpoint of a web host, after TLS wherever the host adds TLS itself.
/// Kestrel applies the endpoint defaults to a new endpoint before anything else, its TLS included, so the default
/// place is before TLS. The place after it is added where Kestrel lets code run once TLS is known: for endpoints
/// from <c>Kestrel:Endpoints</c>, in their per-endpoint callback (which takes over Kestrel's own <c>UseHttps</c>); for
/// endpoints made in code, once every <c>ConfigureKestrel</c> has run. An https address from <c>--urls</c> or
/// <c>HTTPS_PORTS</c> gets its TLS at bind time, after all of these, and keeps the ASP.NET Core path (with a warning).
/// </summary>
internal sealed class DirectPathEndpoints
{
    // The endpoints made while the options are configured: those made in code. Null once they have been seen to.
    private List<ListenOptions>? _madeInCode = [];

    public void Configure(KestrelServerOptions kestrel)
    {
        kestrel.ConfigureEndpointDefaults(listen =>
        {
            DirectPathPlacement.AddPlace(listen);
            _madeInCode?.Add(listen);
        });

        if (kestrel.ConfigurationLoader is { } loader)
        {
            foreach (var endpoint in loader.Configuration.GetSection("Endpoints").GetChildren())
            {
                loader.Endpoint(endpoint.Key, PlaceAfterConfiguredTls);
            }
        }
    }

    /// <summary>Runs after every <c>ConfigureKestrel</c>, so after the callbacks of the endpoints made in code.</summary>
    public void PostConfigure(KestrelServerOptions kestrel)
    {
        var madeInCode = _madeInCode ?? [];
        _madeInCode = null;
        foreach (var listen in madeInCode)
        {
            if (DirectPathPlacement.LastPlaceIsBeforeTls(listen))
            {
                DirectPathPlacement.AddPlace(listen);
            }
        }
    }

    /// <summary>
    /// Kestrel calls this for a configured endpoint after loading its certificate and before adding its TLS, which it
    /// skips when TLS is there already. Without SNI, Kestrel's TLS is exactly <c>UseHttps(HttpsOptions)</c>, so
    /// adding it here first changes nothing but where the path can go. With SNI, or without a certificate (Kestrel
    /// then refuses to start, with its own message), it is left to Kestrel.
    /// </summary>
    private static void PlaceAfterConfiguredTls(EndpointConfiguration endpoint)
    {
        var https = endpoint.HttpsOptions;
        if (!endpoint.IsHttps
            || endpoint.ConfigSection.GetSection("Sni").GetChildren().Any()
            || (https.ServerCertificate is null && https.ServerCertificateSelector is null))
        {
            return;
        }

        endpoint.ListenOptions.UseHttps(https);
        DirectPathPlacement.AddPlace(endpoint.ListenOptions);
    }
}
