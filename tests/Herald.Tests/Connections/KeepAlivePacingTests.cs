using Herald.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Tests.Connections;

/// <summary>Connections that fall silent together are pinged over several sweeps, not in one burst.</summary>
public sealed class KeepAlivePacingTests
{
    [Fact]
    public async Task Sweep_TwoHundredConnectionsSilentSinceTheSameMoment_PingsAtMost64PerSweep()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await HeraldTestServer.StartAsync(
            o =>
            {
                o.KeepAliveInterval = TimeSpan.FromSeconds(20);
                o.KeepAliveTimeout = TimeSpan.FromSeconds(20);
            },
            clock);
        var clients = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => server.ConnectAsUserAsync($"user-{i}")));
        try
        {
            // The sweeper runs every second (a quarter of the shortest deadline, at most 1 s): each tick is one sweep.
            for (var second = 1; second <= 23; second++)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
            }

            // 2 × 200 connections × 1 s / 20 s is 20 pings a sweep, below the floor of 64.
            var deferrals = server.Logs.Entries.Where(e => e.EventName == "KeepAlivePingsDeferred").Select(e => e.Message);
            Assert.Equal(
                [
                    "Keep-alive: 64 pings queued, 136 more due were left to the next sweep",
                    "Keep-alive: 64 pings queued, 72 more due were left to the next sweep",
                    "Keep-alive: 64 pings queued, 8 more due were left to the next sweep",
                ],
                deferrals);
            Assert.Equal(200, server.Hub.GetStats().Connections);
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }
}
