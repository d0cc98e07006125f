using Herald.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.WebSockets.Conformance;

/// <summary>A real <see cref="HeraldTestServer"/> as a conformance target, over TCP.</summary>
public sealed class TcpConformanceServer(HeraldTestServer server) : IConformanceServer
{
    public HeraldTestServer Server { get; } = server;

    public async Task<IConformancePeer> ConnectAsync(string? subprotocol = null) =>
        await TcpConformancePeer.ConnectAsync(Server.BaseAddress, subprotocol);

    public Task<int> PublishAsync(string uid, string text) => Server.SendAsync(uid, text);

    public IReadOnlyList<string> LoggedErrors() =>
        [.. Server.Logs.Entries.Where(entry => entry.Level >= LogLevel.Error).Select(entry => $"{entry.EventName}: {entry.Message} {entry.Exception}")];
}
