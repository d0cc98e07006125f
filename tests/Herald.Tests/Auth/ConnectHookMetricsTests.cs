using System.Diagnostics.Metrics;
using Herald.Protocol;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Tests.Auth;

public sealed class ConnectHookMetricsTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HeraldMeter_AfterHookChecks_CountsThemByCheckAndOutcomeAndShowsTheBreaker()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"uid":"ada"}"""));
        await using var server = await HeraldTestServer.StartAsync(o =>
        {
            o.ConnectHook.Url = backend.Url;
            o.ConnectHook.CheckSubscribes = true;
            o.ConnectHook.BreakerFailures = 2;
        });
        var authority = server.Services.GetRequiredService<ILoginAuthority>();
        var identity = (await authority.CheckHandshakeAsync(ConnectHookClientTests.Handshake(), Cancellation)).Identity!;
        backend.Answer(HookBackend.Status(403));
        await authority.CheckSubscribeAsync(identity, "orders", Cancellation);
        var closed = Observe(server);
        backend.Answer(HookBackend.Status(500));
        for (var i = 0; i < 3; i++)
        {
            await authority.CheckHandshakeAsync(ConnectHookClientTests.Handshake(), Cancellation);
        }

        var open = Observe(server);

        Assert.Equal(0, closed["herald.connect_hook.breaker_open"]);
        Assert.Equal(1, open["herald.connect_hook.breaker_open"]);
        Assert.Equal(1, open["herald.connect_hook.checks connect accepted"]);
        Assert.Equal(2, open["herald.connect_hook.checks connect error"]);
        Assert.Equal(1, open["herald.connect_hook.checks connect breaker_open"]);
        Assert.Equal(1, open["herald.connect_hook.checks subscribe refused"]);
        Assert.Equal(0, open["herald.connect_hook.checks subscribe timeout"]);
        Assert.Equal(12, open.Keys.Count(key => key.StartsWith("herald.connect_hook.checks ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task HeraldMeter_NoHookConfigured_ReportsNothingForTheHook()
    {
        await using var server = await HeraldTestServer.StartAsync();

        var observed = Observe(server);

        Assert.DoesNotContain(observed.Keys, key => key.StartsWith("herald.connect_hook", StringComparison.Ordinal));
        Assert.Contains("herald.connections", observed.Keys);
    }

    /// <summary>One reading of this server's Herald meter: each instrument's name, with its check and outcome when it has them.</summary>
    private static Dictionary<string, long> Observe(HeraldTestServer server)
    {
        var observed = new Dictionary<string, long>();
        var meterFactory = server.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Herald" && ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => observed[Key(instrument, tags)] = value);
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => observed[Key(instrument, tags)] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return observed;
    }

    private static string Key(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = instrument.Name;
        foreach (var tag in tags)
        {
            key += " " + tag.Value;
        }

        return key;
    }
}
