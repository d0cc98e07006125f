using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Herald.Redis.Tests.Infrastructure;

/// <summary>
/// One in-process Herald node of a cluster: a <see cref="HeraldTestServer"/> that can be stopped and started again
/// on the same port with the same settings, as an operator restarts one node behind a load balancer.
/// </summary>
public sealed class HeraldNode : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string?>? _settings;
    private readonly Action<WebApplicationBuilder>? _configureBuilder;
    private readonly Action<HeraldOptions>? _configure;
    private HeraldTestServer? _server;

    private HeraldNode(
        string name, IReadOnlyDictionary<string, string?>? settings, Action<WebApplicationBuilder>? configureBuilder, Action<HeraldOptions>? configure)
    {
        Name = name;
        _settings = settings;
        _configureBuilder = configureBuilder;
        _configure = configure;
    }

    /// <summary>The node's name in assertion messages ("node 2").</summary>
    public string Name { get; }

    /// <summary>The loopback port it listens on, the same after <see cref="RestartAsync"/>.</summary>
    public int Port { get; private set; }

    public bool IsRunning => _server is not null;

    /// <summary>The running server (its <c>Http</c>, <c>Hub</c>, <c>Logs</c>); a stopped node has none.</summary>
    public HeraldTestServer Server => _server ?? throw new InvalidOperationException($"{Name} is stopped");

    public Uri WebSocketUri => new($"ws://127.0.0.1:{Port}/ws");

    /// <summary>
    /// Starts a node on a free loopback port. <paramref name="settings"/> are configuration keys (see
    /// <see cref="HeraldRedisSettings.For(string, string, IReadOnlyDictionary{string, string?})"/>), <paramref name="configureBuilder"/> registers services before
    /// <c>AddHerald()</c> runs (a Redis backplane's <c>AddHerald().AddRedis()</c>), <paramref name="configure"/> sets options.
    /// </summary>
    public static async Task<HeraldNode> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configureBuilder = null,
        Action<HeraldOptions>? configure = null,
        string name = "node")
    {
        var node = new HeraldNode(name, settings, configureBuilder, configure);
        await node.StartServerAsync(port: 0);
        return node;
    }

    /// <summary>Stops the node gracefully (its clients get Close 1001), keeping its port for <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_server is not null)
        {
            var server = _server;
            _server = null;
            await server.DisposeAsync();
        }
    }

    /// <summary>Stops it if it runs and starts it again, on the same port with the same settings and an empty memory.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartServerAsync(Port);
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task StartServerAsync(int port)
    {
        _server = await HeraldTestServer.StartAsync(
            configure: _configure,
            endpoints: web => web.UseUrls($"http://127.0.0.1:{port}"),
            settings: _settings,
            configureBuilder: _configureBuilder);
        Port = _server.BaseAddress.Port;
    }
}
