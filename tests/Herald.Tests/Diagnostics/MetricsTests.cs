using System.Diagnostics.Metrics;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Tests.Diagnostics;

public sealed class MetricsTests
{
    [Fact]
    public async Task HeraldMeter_AfterTraffic_ReportsTheSameCountsAsStats()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("metered");
        await server.SendAsync("metered", "m1");
        await server.SendAsync("metered", "m2");
        await client.ReceiveTextAsync();
        await client.ReceiveTextAsync();
        var observed = new Dictionary<string, long>();
        var meterFactory = server.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener
        {
            // Tests run servers in parallel: listen to this server's meter only.
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Herald" && ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => observed[instrument.Name] = value);
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => observed[instrument.Name] = value);
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal(1, observed["herald.connections"]);
        Assert.Equal(0, observed["herald.connections.pending_login"]);
        Assert.Equal(1, observed["herald.users"]);
        Assert.Equal(1, observed["herald.connections.opened"]);
        Assert.Equal(2, observed["herald.messages.published"]);
        Assert.Equal(2, observed["herald.messages.queued"]);
        Assert.Equal(2, observed["herald.messages.delivered"]);
        Assert.Equal(0, observed["herald.messages.dropped"]);
        Assert.Equal(0, observed["herald.connections.slow_consumer_disconnects"]);
    }
}
