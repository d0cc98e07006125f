using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Herald.Tests.Samples;

/// <summary>samples/TaskRunner as a newcomer runs it: the real sample process beside a real Herald.</summary>
public sealed class TaskRunnerSampleTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartJob_UserLoggedIntoHerald_ReceivesEveryStepInOrderThenDone()
    {
        await using var herald = await HeraldTestServer.StartAsync(direct: true);
        var port = HeraldProcess.FreePort();
        await using var sample = await HeraldProcess.StartAsync(
            ["--urls", $"http://127.0.0.1:{port}", "--Herald:Url", herald.BaseAddress.ToString()],
            assembly: "TaskRunner.dll",
            readyMarker: "Now listening on");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var (browser, _, _) = await V1Client.LogInAsync(herald, "worker-7");
        await using var _ = browser;

        var page = await http.GetStringAsync("/", Cancellation);
        using var config = JsonDocument.Parse(await http.GetStringAsync("/config", Cancellation));
        using var started = await http.PostAsJsonAsync("/jobs", new { uid = "worker-7", steps = 3, stepMilliseconds = 10 }, Cancellation);

        Assert.Contains("<h1>Task runner</h1>", page, StringComparison.Ordinal);
        Assert.Equal(herald.WebSocketUri.ToString(), config.RootElement.GetProperty("heraldWebSocket").GetString());
        Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
        var job = (await started.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("job").GetString();
        // Progress is published with the job as its conflation key, so a step may be skipped, never reordered.
        var steps = new List<int>();
        while (steps.Count == 0 || steps[^1] < 3)
        {
            var message = await browser.ReceiveTypeAsync("message");
            Assert.Equal($"job-{job}", (string?)message["key"]);
            var progress = message["data"]!;
            Assert.Equal(job, (string?)progress["job"]);
            Assert.Equal(3, (int)progress["of"]!);
            steps.Add((int)progress["step"]!);
            Assert.Equal(steps[^1] == 3, (bool)progress["done"]!);
        }

        Assert.Equal(steps.Order(), steps);
        Assert.Equal(steps.Count, steps.Distinct().Count());
    }

    [Fact]
    public async Task StartJob_WithAnApiKey_PublishesWithTheKeyAsBearer()
    {
        // A Kestrel that answers publishes as Herald does and records the Authorization each one carried.
        var authorizations = new ConcurrentQueue<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var herald = builder.Build();
        herald.MapPost("/api/v1/publish", (HttpRequest request) =>
        {
            authorizations.Enqueue(request.Headers.Authorization.ToString());
            return Results.Text("""{"id":"0193d5c2a4e87b6f9c0d1e2f3a4b5c6d","delivered":0,"streams":[],"duplicate":false}""", "application/json");
        });
        await herald.StartAsync(Cancellation);
        var port = HeraldProcess.FreePort();
        await using var sample = await HeraldProcess.StartAsync(
            ["--urls", $"http://127.0.0.1:{port}", "--Herald:Url", herald.Urls.Single() + "/", "--Herald:ApiKey", "hk_sample_key"],
            assembly: "TaskRunner.dll",
            readyMarker: "Now listening on");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var started = await http.PostAsJsonAsync("/jobs", new { uid = "worker-7", steps = 2, stepMilliseconds = 0 }, Cancellation);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
        await Eventually.TrueAsync(() => authorizations.Count == 2, "both steps to be published");
        Assert.All(authorizations, authorization => Assert.Equal("Bearer hk_sample_key", authorization));
    }

    [Fact]
    public async Task StartJob_InvalidRequest_Returns400()
    {
        var port = HeraldProcess.FreePort();
        await using var sample = await HeraldProcess.StartAsync(
            ["--urls", $"http://127.0.0.1:{port}"], assembly: "TaskRunner.dll", readyMarker: "Now listening on");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var response = await http.PostAsJsonAsync("/jobs", new { uid = "", steps = 0 }, Cancellation);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }
}
