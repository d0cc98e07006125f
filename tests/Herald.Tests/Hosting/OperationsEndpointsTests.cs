using System.Net;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Hosting;

/// <summary>What an operator's probes and scraper see of the standalone host: /healthz, /readyz and /metrics, on a real process.</summary>
public sealed class OperationsEndpointsTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HealthAndReadiness_WhileServing_AnswerHealthy_ThenReadinessFailsOnceShutdownBegins()
    {
        var port = HeraldProcess.FreePort();
        await using var host = await HeraldProcess.StartAsync(["--urls", $"http://127.0.0.1:{port}", "--Herald:ShutdownTimeout=00:00:20"]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using (var live = await http.GetAsync("/healthz", Cancellation))
        using (var ready = await http.GetAsync("/readyz", Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal("Healthy", await live.Content.ReadAsStringAsync(Cancellation));
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(Cancellation));
        }

        // A client that never answers the server's Close holds the shutdown open for its ShutdownTimeout: the window
        // in which a load balancer must already see the node as not ready, while the node still answers.
        await using var silent = await RawWebSocketClient.ConnectAsync(new Uri($"http://127.0.0.1:{port}/ws"));
        await silent.SendTextAsync("""{"uid":"ada"}""");
        await Eventually.TrueAsync(
            async () => (await http.GetStringAsync("/api/v1/users/ada", Cancellation)).Contains("\"online\":true", StringComparison.Ordinal),
            "ada to log in");

        host.Terminate();

        await Eventually.TrueAsync(
            async () =>
            {
                using var ready = await http.GetAsync("/readyz", Cancellation);
                return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
            },
            "/readyz to answer 503 once shutdown began");
        using var liveWhileDraining = await http.GetAsync("/healthz", Cancellation);
        Assert.Equal(HttpStatusCode.OK, liveWhileDraining.StatusCode);
        using var readyWhileDraining = await http.GetAsync("/readyz", Cancellation);
        Assert.Equal("Unhealthy", await readyWhileDraining.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task Metrics_AfterADelivery_ArePrometheusTextWithHeraldsInstruments()
    {
        var port = HeraldProcess.FreePort();
        await using var host = await HeraldProcess.StartAsync(["--urls", $"http://127.0.0.1:{port}"]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await using var browser = await TestClient.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"));
        await browser.SendTextAsync("""{"uid":"123"}""");
        await Eventually.TrueAsync(
            async () => (await http.GetStringAsync("/api/v1/users/123", Cancellation)).Contains("\"online\":true", StringComparison.Ordinal),
            "user 123 to log in");
        Assert.Equal("""{"delivered":1}""", await http.GetStringAsync("/send?uid=123&message=hi", Cancellation));
        Assert.Equal("hi", await browser.ReceiveTextAsync());

        // The delivered count is read at the scrape, after the frame's write has completed.
        string? text = null;
        await Eventually.TrueAsync(
            async () =>
            {
                using var scrape = await http.GetAsync("/metrics", Cancellation);
                Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
                Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
                text = await scrape.Content.ReadAsStringAsync(Cancellation);
                return text.Contains("herald_messages_delivered_total{otel_scope_name=\"Herald\"} 1", StringComparison.Ordinal);
            },
            "the scrape to count the delivered message");

        Assert.Contains("# TYPE herald_connections gauge", text, StringComparison.Ordinal);
        Assert.Contains("herald_connections{otel_scope_name=\"Herald\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("herald_users{otel_scope_name=\"Herald\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("herald_messages_published_total{otel_scope_name=\"Herald\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("herald_limits_refused_total{otel_scope_name=\"Herald\",limit=\"connections_per_user\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE herald_messages_delivery_latency_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("herald_messages_delivery_latency_seconds_count{otel_scope_name=\"Herald\"} 1", text, StringComparison.Ordinal);

        // The /send (answered by the direct send) and the presence calls, all by loopback callers without a key.
        Assert.Matches("""herald_api_requests_total\{otel_scope_name="Herald",herald_api_key="-",http_response_status_code="200"\} [2-9]""", text);

        // The runtime's meter comes along; ASP.NET Core's, which records a histogram per request, does not.
        Assert.Contains("dotnet_gc_collections_total", text, StringComparison.Ordinal);
        Assert.DoesNotContain("http_server_request_duration_seconds", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_WithApiKeysConfigured_NeedAnAdminKey_AsTheStatsDo()
    {
        var port = HeraldProcess.FreePort();
        var keys = TestApiKeys.Settings().Select(setting => $"--{setting.Key}={setting.Value}");
        await using var host = await HeraldProcess.StartAsync(["--urls", $"http://127.0.0.1:{port}", .. keys]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var anonymous = await http.GetAsync("/metrics", Cancellation);
        using var publisher = await http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, "/metrics", TestApiKeys.Backend), Cancellation);
        using var admin = await http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, "/metrics", TestApiKeys.Ops), Cancellation);
        using var probe = await http.GetAsync("/readyz", Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, publisher.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Contains("herald_connections", await admin.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
    }
}
