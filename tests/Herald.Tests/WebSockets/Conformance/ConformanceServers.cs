using Herald.Tests.Infrastructure;
using Xunit.Sdk;

namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// The servers the case table runs against, started once per test class and shared by its cases (each case has
/// its own connection and user): a long LoginTimeout so that no case races it, the largest MaxClientMessageBytes
/// the options allow, and no keep-alive Pings, which would come between a case's frames.
/// </summary>
public sealed class ConformanceServers : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<bool, HeraldTestServer> _servers = [];

    public static void Configure(HeraldOptions options)
    {
        options.LoginTimeout = TimeSpan.FromMinutes(10);
        options.MaxClientMessageBytes = CaseData.MaxMessageBytes;
        options.KeepAliveInterval = TimeSpan.Zero;
    }

    public async Task<TcpConformanceServer> GetAsync(bool direct)
    {
        await _gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (!_servers.TryGetValue(direct, out var server))
            {
                server = await HeraldTestServer.StartAsync(Configure, direct: direct);
                _servers[direct] = server;
            }

            return new TcpConformanceServer(server);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.Values)
        {
            try
            {
                await server.DisposeAsync();
            }
            catch (XunitException)
            {
                // An error the server logged; the case that caused it has failed already and named it.
            }
        }

        _gate.Dispose();
    }
}
