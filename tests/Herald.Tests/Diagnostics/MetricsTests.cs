using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Tests.Diagnostics;

public sealed partial class MetricsTests
{
    [Fact]
    public async Task HeraldMeter_AfterTraffic_ReportsTheSameCountsAsStats()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("metered");
        await server.SendAsync("metered", "m1");
        await server.SendAsync("metered", "m2");
        await server.PublishAsync("""{"users":["metered"],"data":"m3","idempotencyKey":"order-1042-paid"}""");
        for (var i = 0; i < 3; i++)
        {
            await client.ReceiveTextAsync();
        }

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
        Assert.Equal(3, observed["herald.messages.published"]);
        Assert.Equal(3, observed["herald.messages.queued"]);
        Assert.Equal(0, observed["herald.messages.replayed"]);
        Assert.Equal(3, observed["herald.messages.delivered"]);
        Assert.Equal(0, observed["herald.messages.dropped"]);
        Assert.Equal(0, observed["herald.connections.slow_consumer_disconnects"]);
        Assert.Equal(3, observed["herald.history.messages"]);

        // One key: 512 + 2 × 15 characters of key + 80 + 2 × 12 characters of "user:metered" (configuration.md).
        Assert.Equal(1, observed["herald.idempotency.keys"]);
        Assert.Equal(646, observed["herald.idempotency.bytes"]);
        var stats = server.Hub.GetStats();
        Assert.Equal((1, 646L), (stats.IdempotencyKeys, stats.IdempotencyBytes));
    }

    [Fact]
    public async Task HeraldMeter_AfterALimitRefusedALogin_CountsItUnderThatLimitsTag()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxConnectionsPerUser = 1);
        await using var first = await server.ConnectAsUserAsync("ada");
        await using var second = await server.ConnectAsync();
        await second.SendTextAsync("""{"uid":"ada"}""");
        Assert.Equal(HeraldCloseCodes.TooManyConnections, await second.ReceiveCloseAsync());

        var byLimit = new Dictionary<string, long>();
        var meterFactory = server.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "herald.limits.refused" && ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "limit")
                {
                    byLimit[(string)tag.Value!] = value;
                }
            }
        });
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal(1, byLimit["connections_per_user"]);
        Assert.Equal(0, byLimit["topics_per_connection"]);
        Assert.Equal(byLimit.Values.Sum(), server.Hub.GetStats().LimitRefusals);
    }

    [Fact]
    public async Task HeraldMeter_AfterConnectionsEnded_CountsThemByReasonAndTheServersCloseCode()
    {
        await using var server = await HeraldTestServer.StartAsync();
        var leaving = await server.ConnectAsUserAsync("ada");
        await using var disconnected = await server.ConnectAsUserAsync("bob");
        var dropped = await server.ConnectAsUserAsync("eve");

        await leaving.DisposeAsync();
        Assert.Equal(1, await server.Hub.DisconnectUserAsync("bob", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(HeraldCloseCodes.Disconnected, await disconnected.ReceiveCloseAsync());
        dropped.Socket.Abort();
        dropped.Socket.Dispose();
        await Eventually.TrueAsync(() => Task.FromResult(server.Hub.GetStats().Connections == 0), "every connection to end");

        var byReason = new Dictionary<string, long>();
        var meterFactory = server.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "herald.connections.closed" && ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var reason = "";
            var code = "";
            foreach (var tag in tags)
            {
                reason = tag.Key == "reason" ? (string)tag.Value! : reason;
                code = tag.Key == "code" ? $" {tag.Value}" : code;
            }

            byReason[reason + code] = value;
        });
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal(1, byReason["client_closed"]);
        Assert.Equal(1, byReason[$"server_closed {HeraldCloseCodes.Disconnected}"]);
        Assert.Equal(1, byReason["lost"]);
        Assert.Equal(3, byReason.Values.Sum());
    }

    [Fact]
    public async Task DeliveryLatency_RecordsEachLiveCopy_NotAReplay()
    {
        await using var server = await HeraldTestServer.StartAsync();
        var latencies = new List<double>();
        var meterFactory = server.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "herald.messages.delivery_latency" && ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (latencies)
            {
                latencies.Add(value);
            }
        });
        listener.Start();
        await using var seed = await server.ConnectAsUserAsync("ada");
        var (v1, _, _) = await V1Client.LogInAsync(server, "ada");
        await using var _ = v1;

        Assert.Equal(2, await server.SendAsync("ada", "live"));
        Assert.Equal("live", await seed.ReceiveTextAsync());
        Assert.Equal("live", (string?)(await v1.ReceiveTypeAsync("message"))["data"]);

        // A second device that resumes from the start gets the message replayed: no latency for that copy.
        var (resumed, _, _) = await V1Client.LogInAsync(server, "ada", new JsonObject { ["user:ada"] = new JsonObject { ["seq"] = 0 } });
        await using var __ = resumed;
        Assert.Equal("live", (string?)Assert.Single(resumed.ReplayedAtLogin)["data"]);

        lock (latencies)
        {
            Assert.Equal(2, latencies.Count);
            Assert.All(latencies, latency => Assert.InRange(latency, 0, 10));
        }
    }

    [Fact]
    public async Task OperationsDoc_MetricsTable_ListsEveryInstrumentAndTheStatsFieldItMatches()
    {
        await using var server = await HeraldTestServer.StartAsync();
        var instruments = new List<string>();
        var meterFactory = server.Services.GetRequiredService<IMeterFactory>();
        using (var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == "Herald" && ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    instruments.Add(instrument.Name);
                }
            },
        })
        {
            listener.Start();
        }

        var rows = RepositoryFiles.ReadLines("docs/operations.md").Select(line => MetricRow().Match(line)).Where(match => match.Success).ToList();
        var statsFields = typeof(HubStats).GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToHashSet();

        Assert.Equal(instruments.Order(StringComparer.Ordinal), rows.Select(row => row.Groups[1].Value).Order(StringComparer.Ordinal));
        Assert.All(rows.Where(row => row.Groups[2].Success), row => Assert.Contains(row.Groups[2].Value, statsFields));
    }

    // The fourth column is the stats field the instrument matches, or — when it has none.
    [GeneratedRegex(@"^\| `(herald\.[a-z._]+)` \| [^|]+ \| [^|]+ \| (?:`(\w+)`|—) \|")]
    private static partial Regex MetricRow();
}
