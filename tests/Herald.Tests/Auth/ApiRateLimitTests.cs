using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Tests.Auth;

/// <summary>The HTTP API's rate limit: a token bucket per key, or per client IP without one.</summary>
public sealed class ApiRateLimitTests
{
    private const string SendPath = "/send?uid=123&message=hi";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_OverTheBurst_Returns429WithRetryAfterAndOtherKeysGoOn()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings(
            ("Herald:Api:RequestsPerSecond", "1"), ("Herald:Api:RequestBurst", "2")));

        // One token a second comes back: however slow this machine, 50 quick requests go over a burst of 2.
        var (accepted, limited) = await SendUntilLimitedAsync(server, TestApiKeys.Backend, attempts: 50);
        using var other = await server.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, SendPath, TestApiKeys.Ops), Cancellation);

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.InRange(accepted, 2, 49);
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
            Assert.InRange(limited.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
            using var problem = JsonDocument.Parse(await limited.Content.ReadAsStringAsync(Cancellation));
            Assert.Equal("Too many requests", problem.RootElement.GetProperty("title").GetString());
            Assert.StartsWith("Over the rate limit of key 'backend': 1 requests a second, in bursts of up to 2; retry after ", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Contains(server.Logs.Entries, entry => entry.EventName == "ApiRateLimited" && entry.Message.Contains("from key 'backend' refused with 429", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Requests_WithoutAKnownKey_AreLimitedPerClientAddress()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings(
            ("Herald:Api:RequestsPerSecond", "1"), ("Herald:Api:RequestBurst", "2")));

        var (refused, limited) = await SendUntilLimitedAsync(server, "hk_guess", attempts: 50);

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.InRange(refused, 2, 49);
            Assert.StartsWith("Over the rate limit of 127.0.0.1:", JsonDocument.Parse(await limited.Content.ReadAsStringAsync(Cancellation)).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Send_LoopbackWhileNoKeyIsConfigured_IsNotLimited()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Herald:Api:RequestsPerSecond"] = "1",
            ["Herald:Api:RequestBurst"] = "1",
        });

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(0, await server.SendAsync("123", $"m{i}"));
        }
    }

    [Fact]
    public async Task Send_RateLimitOff_NeverReturns429()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings(
            ("Herald:Api:RequestsPerSecond", "0"), ("Herald:Api:RequestBurst", "1")));

        var (accepted, limited) = await SendUntilLimitedAsync(server, TestApiKeys.Backend, attempts: 20);

        Assert.Null(limited);
        Assert.Equal(20, accepted);
    }

    [Fact]
    public async Task RequestMetrics_AfterAnswersAndRefusals_CountThemByKeyAndStatus()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings(
            ("Herald:Api:RequestsPerSecond", "1"), ("Herald:Api:RequestBurst", "1")));
        using var unauthenticated = await server.Http.GetAsync(SendPath, Cancellation);
        using var forbidden = await server.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, "/api/v1/stats", TestApiKeys.Backend), Cancellation);
        using var stats = await server.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, "/api/v1/stats", TestApiKeys.Ops), Cancellation);
        var (answered, limited) = await SendUntilLimitedAsync(server, TestApiKeys.Backend, attempts: 50);
        limited?.Dispose();

        var refused = Observe(server, "herald.api.requests.refused");
        var requests = Observe(server, "herald.api.requests");

        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        Assert.NotNull(limited);
        Assert.Equal(1, refused[("-", 401)]);
        Assert.Equal(1, refused[("backend", 403)]);
        Assert.True(refused[("backend", 429)] >= 1);
        Assert.False(refused.ContainsKey(("ops", 200)));

        // Every answer, refused or not; a /send of the backend's before its 429 was answered 200.
        Assert.Equal(1, requests[("-", 401)]);
        Assert.Equal(1, requests[("backend", 403)]);
        Assert.Equal(refused[("backend", 429)], requests[("backend", 429)]);
        Assert.Equal(1, requests[("ops", 200)]);
        Assert.Equal(answered, requests.GetValueOrDefault(("backend", 200)));
    }

    /// <returns>How many requests were answered before the first 429, and that 429 (null when none came).</returns>
    private static async Task<(int Answered, HttpResponseMessage? Limited)> SendUntilLimitedAsync(HeraldTestServer server, string key, int attempts)
    {
        for (var i = 0; i < attempts; i++)
        {
            var response = await server.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, SendPath, key), Cancellation);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return (i, response);
            }

            response.Dispose();
        }

        return (attempts, null);
    }

    private static Dictionary<(string Key, int Status), long> Observe(HeraldTestServer server, string instrumentName)
    {
        var observed = new Dictionary<(string, int), long>();
        var meterFactory = server.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == instrumentName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? key = null;
            var status = 0;
            foreach (var tag in tags)
            {
                key = tag.Key == "herald.api.key" ? (string?)tag.Value : key;
                status = tag.Key == "http.response.status_code" ? (int)tag.Value! : status;
            }

            observed[(key!, status)] = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return observed;
    }
}
