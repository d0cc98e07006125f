using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Infrastructure;

/// <summary>
/// A real Kestrel on 127.0.0.1:0 running AddHerald()/MapHerald(), with the options a test needs; over TLS with a
/// <see cref="TestCertificate"/>, which its own clients (<see cref="Http"/>, <see cref="ConnectAsync"/>) then trust.
/// </summary>
public sealed class HeraldTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestCertificate? _tls;

    private HeraldTestServer(WebApplication app, Uri baseAddress, TestLogCollector logs, TestCertificate? tls)
    {
        _app = app;
        _tls = tls;
        BaseAddress = baseAddress;
        Logs = logs;
        Http = new HttpClient(tls?.CreateHandler() ?? new SocketsHttpHandler()) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    /// <summary>Every address the server listens on.</summary>
    public ICollection<string> Addresses => _app.Urls;

    public Uri WebSocketUri => new($"{(BaseAddress.Scheme == Uri.UriSchemeHttps ? "wss" : "ws")}://{BaseAddress.Authority}/ws");

    public HttpClient Http { get; }

    public TestLogCollector Logs { get; }

    public IHeraldHub Hub => _app.Services.GetRequiredService<IHeraldHub>();

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a server; <paramref name="direct"/> serves WebSockets on the direct Kestrel path instead of through
    /// ASP.NET Core, and <paramref name="tls"/> listens with TLS (<c>UseHttps</c> in code) instead of plain text.
    /// <paramref name="endpoints"/>, when given, makes the endpoints itself; the clients then use its https one if
    /// it has one, trusting <paramref name="tls"/>'s certificate.
    /// <paramref name="settings"/> are configuration keys (<c>Herald:Api:Keys:a:Hash</c>), <paramref name="configureBuilder"/>
    /// adds the app's own services, and <paramref name="configureApp"/> its middleware, which runs before Herald's endpoints.
    /// </summary>
    public static async Task<HeraldTestServer> StartAsync(
        Action<HeraldOptions>? configure = null,
        TimeProvider? timeProvider = null,
        bool direct = false,
        TestCertificate? tls = null,
        Action<IWebHostBuilder>? endpoints = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configureBuilder = null,
        Action<WebApplication>? configureApp = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);

        // Before the endpoint is made: Kestrel applies endpoint defaults only to endpoints made after them.
        if (direct)
        {
            builder.WebHost.UseHeraldDirectWebSockets();
        }

        if (endpoints is not null)
        {
            endpoints(builder.WebHost);
        }
        else if (tls is null)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(tls.Certificate)));
        }

        var logs = new TestLogCollector();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(logs);
        if (timeProvider is not null)
        {
            builder.Services.AddSingleton(timeProvider);
        }

        configureBuilder?.Invoke(builder);
        builder.Services.AddHerald(configure);
        var app = builder.Build();
        configureApp?.Invoke(app);
        app.MapHerald();
        await app.StartAsync(TestContext.Current.CancellationToken);

        // With endpoints of its own a test may listen twice: the clients then use the TLS one.
        var baseAddress = app.Urls.FirstOrDefault(url => url.StartsWith("https:", StringComparison.Ordinal)) ?? app.Urls.Single();
        return new HeraldTestServer(app, new Uri(baseAddress), logs, tls);
    }

    /// <summary>Opens a WebSocket to /ws without logging in, from <paramref name="from"/> (a loopback address) if given.</summary>
    public Task<TestClient> ConnectAsync(IPAddress? from = null) => TestClient.ConnectAsync(WebSocketUri, options =>
    {
        if (_tls is not null)
        {
            options.RemoteCertificateValidationCallback = _tls.Validate;
        }
    }, from);

    /// <summary>How many requests to <paramref name="path"/> ASP.NET Core's hosting layer logged: none for an upgrade the direct path took.</summary>
    public int AspNetCoreRequestsTo(string path) => Logs.Entries.Count(entry =>
        entry.Category == "Microsoft.AspNetCore.Hosting.Diagnostics" && entry.Message.StartsWith("Request starting ", StringComparison.Ordinal)
        && new Uri(entry.Message.Split(' ')[4]).AbsolutePath == path);

    /// <summary>Opens a WebSocket, logs in as <paramref name="uid"/> and waits until the hub has registered it.</summary>
    public async Task<TestClient> ConnectAsUserAsync(string uid, IPAddress? from = null)
    {
        var before = Hub.GetUser(uid).Connections;
        var client = await ConnectAsync(from);
        await client.SendTextAsync($$"""{"uid":"{{uid}}"}""");
        await Eventually.TrueAsync(() => Hub.GetUser(uid).Connections > before, $"user {uid} to gain a connection");
        return client;
    }

    /// <summary>Calls the seed's GET /send and returns the number of connections it reports.</summary>
    public async Task<int> SendAsync(string uid, string message)
    {
        using var response = await Http.GetAsync(
            $"/send?uid={Uri.EscapeDataString(uid)}&message={Uri.EscapeDataString(message)}", TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return await SendResponses.ReadDeliveredAsync(response);
    }

    public Task StopAsync() => _app.StopAsync(TestContext.Current.CancellationToken);

    /// <summary>An error the test provokes on purpose and checks itself, left out of the check at dispose.</summary>
    public Func<TestLogCollector.LogEntry, bool> ExpectedError { get; set; } = static _ => false;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();

        // Whatever a test did, the server must have met it without an unexpected error.
        Assert.DoesNotContain(Logs.Entries, entry => entry.Level >= LogLevel.Error && !ExpectedError(entry));
    }
}
