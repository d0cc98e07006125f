using Herald.Connections;
using Herald.Protocol;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// The engine and its sessions as a conformance target without a server: Herald's real services with no web host,
/// each connection over in-memory pipes handed to <see cref="ConnectionHandler"/> as an accepted upgrade would be.
/// </summary>
public sealed class EngineConformanceServer : IConformanceServer, IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly TestLogCollector _logs = new();

    public EngineConformanceServer()
    {
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(_logs))
            .AddHerald(ConformanceServers.Configure)
            .Services
            .BuildServiceProvider();
    }

    public Task<IConformancePeer> ConnectAsync(string? subprotocol = null)
    {
        var flavour = subprotocol is null ? WireFlavour.Seed : Subprotocols.TrySelect([subprotocol], out var selected, out _) ? selected : throw new ArgumentException("not a subprotocol Herald speaks", nameof(subprotocol));

        // A pipe this small makes every large case stream through the engine rather than sit whole in a buffer.
        var transport = new PipeTransport(pauseBytes: 64 * 1024);
        // As the upgrade gate would, before handing the connection over.
        Assert.Null(_services.GetRequiredService<ConnectionSlots>().TryTake(transport.ClientAddress));
        var run = _services.GetRequiredService<ConnectionHandler>().RunAsync(transport, flavour);
        return Task.FromResult<IConformancePeer>(new PipeConformancePeer(transport, run));
    }

    public async Task<int> PublishAsync(string uid, string text) =>
        await _services.GetRequiredService<IHeraldHub>().SendToUserAsync(uid, text, TestContext.Current.CancellationToken);

    public IReadOnlyList<string> LoggedErrors() =>
        [.. _logs.Entries.Where(entry => entry.Level >= LogLevel.Error).Select(entry => $"{entry.EventName}: {entry.Message} {entry.Exception}")];

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
