using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Hosting;

public abstract class ShutdownTests(bool direct) : BothWebSocketPaths(direct)
{
    [Fact]
    public async Task Stop_ConnectedClients_AllReceiveQueuedMessagesThen1001()
    {
        await using var server = await StartServerAsync();
        var clients = new List<TestClient>();
        for (var i = 0; i < 20; i++)
        {
            clients.Add(await server.ConnectAsUserAsync($"user-{i}"));
        }

        clients.Add(await server.ConnectAsync());
        await Eventually.TrueAsync(() => server.Hub.GetStats().Connections == 21, "the anonymous connection to be accepted");
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(1, await server.SendAsync($"user-{i}", $"last words {i}"));
        }

        var closes = clients.Select(async (client, i) =>
        {
            if (i < 20)
            {
                Assert.Equal($"last words {i}", await client.ReceiveTextAsync());
            }

            return await client.ReceiveCloseAsync();
        }).ToArray();
        await server.StopAsync();

        Assert.All(await Task.WhenAll(closes), code => Assert.Equal((int)WebSocketCloseStatus.EndpointUnavailable, code));
        Assert.Equal(0, server.Hub.GetStats().Connections);
        Assert.True(server.Logs.Contains("ShutdownCompleted"));
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Stop_ConnectionThatNeverSentARequest_IsClosedPromptlyWithoutAnError()
    {
        await using var server = await StartServerAsync();
        using var silent = new TcpClient();
        await silent.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, Cancellation);
        await Eventually.TrueAsync(() => server.Logs.Contains("ConnectionStart") || server.Logs.Contains("SocketAccepted"), "Kestrel or Herald's socket transport to accept the connection");

        var stopping = Stopwatch.StartNew();
        await server.StopAsync();

        // Kestrel would wait its whole shutdown timeout for them and then log an error; neither may happen.
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {stopping.Elapsed}");
        Assert.Equal(0, await ReadToEndAsync(silent));
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Stop_ClientIgnoresClose_IsAbortedAfterShutdownTimeout()
    {
        await using var server = await StartServerAsync(o =>
        {
            o.ShutdownTimeout = TimeSpan.FromMilliseconds(500);
            o.CloseTimeout = TimeSpan.FromSeconds(30);
        });

        // Never receiving, this client never answers the server's Close.
        await using var deaf = await server.ConnectAsUserAsync("deaf");

        var stopping = Stopwatch.StartNew();
        await server.StopAsync();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {stopping.Elapsed}");
        Assert.Equal(0, server.Hub.GetStats().Connections);
        Assert.True(server.Logs.Contains("ShutdownAbortedConnections"));
        Assert.Contains(server.Logs.Entries, e => e.EventName == "ConnectionClosed"
            && e.Message.Contains("server closed (1001 server shutting down), then aborted: shutdown timeout", StringComparison.Ordinal));
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Reads what the server still sends until it closes the connection, which must happen within 10 s.</summary>
    private static async Task<int> ReadToEndAsync(TcpClient client)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var buffer = new byte[256];
        var total = 0;
        int read;
        while ((read = await client.GetStream().ReadAsync(buffer, timeout.Token)) > 0)
        {
            total += read;
        }

        return total;
    }
}

public sealed class ShutdownTestsThroughAspNetCore() : ShutdownTests(direct: false);

public sealed class ShutdownTestsOnDirectPath() : ShutdownTests(direct: true);
