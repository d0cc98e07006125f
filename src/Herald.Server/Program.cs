using System.Reflection;
using System.Text.Json.Serialization;
using Herald;
using Herald.Redis;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

// Socket completions run on the epoll thread that saw them, and Kestrel's connections run their reads and writes
// inline too: a /send is read, published, written to the WebSocket and answered without a thread hop. Only
// Herald's code runs in this host, and none of it blocks. Measured at 2,000 msg/s: 0.67 x the CPU, p99 0.78 x
// (docs/benchmarks.md). Read when the first socket is made, so set before the host makes any; the environment wins.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

// Content root at the binary, so appsettings.json applies whatever directory the server is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// The seed's address, unless --urls, URLS/ASPNETCORE_URLS, HTTP_PORTS or a Kestrel endpoint says otherwise.
if (string.IsNullOrEmpty(builder.Configuration["urls"])
    && string.IsNullOrEmpty(builder.Configuration["http_ports"])
    && string.IsNullOrEmpty(builder.Configuration["https_ports"])
    && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
{
    builder.WebHost.UseUrls("http://localhost:8181");
}

// ASP.NET Core reads only endpoints, their defaults and certificates from the Kestrel section, so
// --Kestrel:Limits:... would be ignored silently, by Kestrel's HTTP layer and by the direct path alike.
// Bind the limits onto Kestrel's options.
builder.Services.Configure<KestrelServerOptions>(kestrel =>
{
    var limits = builder.Configuration.GetSection("Kestrel:Limits");
    try
    {
        limits.Bind(kestrel.Limits);
    }
    catch (TargetInvocationException exception) when (exception.InnerException is ArgumentException invalid)
    {
        // A value of the right type that Kestrel's setter refuses (a timeout below zero, a count of 0).
        throw new InvalidOperationException($"a value under {limits.Path} is out of range: {invalid.Message}", invalid);
    }
});

// WebSockets on /ws are served before ASP.NET Core, on the bare socket where the endpoint has no TLS (Herald's
// socket transport): about half the memory per idle connection.
builder.WebHost.UseHeraldDirectWebSockets();
builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
var herald = builder.Services.AddHerald();

// Scale-out is configuration alone: a Herald:Redis section (Herald__Redis__Configuration=localhost:6379) puts this
// node on Redis with every other node of the same prefix (docs/scaling.md); without one, it is a single node in memory.
if (builder.Configuration.GetSection(HeraldRedisOptions.SectionName).Exists())
{
    herald.AddRedis();
}

// /metrics: Herald's meter and the runtime's, in Prometheus's text format. Both are observable (read at a scrape),
// so metrics cost nothing per message or request; ASP.NET Core's and Kestrel's meters record a histogram per request
// and per connection, and Herald's own herald.api.requests counts the requests, direct sends included.
builder.Services.AddOpenTelemetry().WithMetrics(static metrics => metrics
    .AddMeter(HeraldMeter.Name, "System.Runtime")
    .AddPrometheusExporter());

// /openapi/v1.json: the HTTP API, for clients and tools (docs/http-api.md). Herald writes its numbers as JSON
// numbers; strict number handling makes the generated schemas say so (the web default also reads them from strings).
builder.Services.ConfigureHttpJsonOptions(static json =>
{
    json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
    json.SerializerOptions.TypeInfoResolverChain.Insert(0, OpenApiJsonContext.Default);
});
builder.Services.AddOpenApi(static openApi => openApi.AddDocumentTransformer<HeraldApiDocument>());

WebApplication app;
try
{
    // Build creates Kestrel, so an invalid Kestrel limit is found here; an invalid Herald option at start.
    app = builder.Build();
    app.MapHerald();

    // Liveness answers while the process serves requests; readiness only while Herald accepts connections, so that a
    // load balancer stops sending clients to a node as soon as it drains. Neither says more than that, so neither
    // needs a key; the metrics do, as Herald's admin endpoints do.
    app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = static _ => false });
    app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = static check => check.Tags.Contains(HeraldHealthChecks.ReadinessTag) });
    app.MapOpenApi();
    app.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, configureBranchedPipeline: static branch => branch.UseHeraldApiAccess(HeraldApiAuthorization.AdminPolicy), optionsName: null);
    await app.StartAsync();
}
catch (Exception exception) when (exception is OptionsValidationException or InvalidOperationException or IOException)
{
    // Invalid or unreadable settings, or an address in use: one line, not a crash dump. The host logs nothing for an
    // invalid option, a value the binder cannot convert or a Kestrel limit out of range, so that line is all an
    // operator sees of them (docs/configuration.md); a failure of Kestrel's own start, such as the address, it logs.
    var reason = exception is OptionsValidationException invalid ? string.Join(" ", invalid.Failures) : exception.Message;
    await Console.Error.WriteLineAsync($"Herald did not start: {reason}");
    return 1;
}

await app.WaitForShutdownAsync();
return 0;
