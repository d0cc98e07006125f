using Herald.Tests.Infrastructure;

namespace Herald.Tests.Connections;

/// <summary>Two test servers for a whole test class: one with the direct WebSocket path, one through ASP.NET Core only.</summary>
public sealed class BothPathServers : IAsyncLifetime
{
    private HeraldTestServer? _direct;
    private HeraldTestServer? _aspNetCore;

    public HeraldTestServer Direct => _direct ?? throw new InvalidOperationException("not started");

    public HeraldTestServer AspNetCore => _aspNetCore ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        _direct = await HeraldTestServer.StartAsync(direct: true);
        _aspNetCore = await HeraldTestServer.StartAsync(direct: false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_direct is not null)
        {
            await _direct.DisposeAsync();
        }

        if (_aspNetCore is not null)
        {
            await _aspNetCore.DisposeAsync();
        }
    }
}
