using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Infrastructure;

/// <summary>A real Kestrel on 127.0.0.1:0 running AddHerald()/MapHerald(), with the options a test needs.</summary>
public sealed class HeraldTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HeraldTestServer(WebApplication app, Uri baseAddress, TestLogCollector logs)
    {
        _app = app;
        BaseAddress = baseAddress;
        Logs = logs;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public Uri WebSocketUri => new($"ws://{BaseAddress.Authority}/ws");

    public HttpClient Http { get; }

    public TestLogCollector Logs { get; }

    public IHeraldHub Hub => _app.Services.GetRequiredService<IHeraldHub>();

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server; <paramref name="direct"/> serves WebSockets on the direct Kestrel path instead of through ASP.NET Core.</summary>
    public static async Task<HeraldTestServer> StartAsync(Action<HeraldOptions>? configure = null, TimeProvider? timeProvider = null, bool direct = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (direct)
        {
            builder.WebHost.UseHeraldDirectWebSockets();
        }

        var logs = new TestLogCollector();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(logs);
        if (timeProvider is not null)
        {
            builder.Services.AddSingleton(timeProvider);
        }

        builder.Services.AddHerald(configure);
        var app = builder.Build();
        app.MapHerald();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new HeraldTestServer(app, new Uri(app.Urls.Single()), logs);
    }

    /// <summary>Opens a WebSocket to /ws without logging in, from <paramref name="from"/> (a loopback address) if given.</summary>
    public Task<TestClient> ConnectAsync(IPAddress? from = null) => TestClient.ConnectAsync(WebSocketUri, from: from);

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

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();

        // Whatever a test did, the server must have met it without an unexpected error.
        Assert.DoesNotContain(Logs.Entries, entry => entry.Level >= LogLevel.Error);
    }
}
