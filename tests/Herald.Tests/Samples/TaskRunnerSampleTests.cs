using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Herald.Tests.Infrastructure;

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
    public async Task StartJob_HeraldWithApiKeys_PublishesWithTheKeyItIsGiven()
    {
        // With keys configured, every caller needs one, loopback too: the steps arrive only if the sample sent it.
        await using var herald = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());
        var port = HeraldProcess.FreePort();
        await using var sample = await HeraldProcess.StartAsync(
            ["--urls", $"http://127.0.0.1:{port}", "--Herald:Url", herald.BaseAddress.ToString(), "--Herald:ApiKey", TestApiKeys.Backend],
            assembly: "TaskRunner.dll",
            readyMarker: "Now listening on");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var (browser, _, _) = await V1Client.LogInAsync(herald, "worker-7");
        await using var _ = browser;

        using var started = await http.PostAsJsonAsync("/jobs", new { uid = "worker-7", steps = 2, stepMilliseconds = 0 }, Cancellation);
        JsonNode? progress;
        do
        {
            progress = (await browser.ReceiveTypeAsync("message"))["data"];
        }
        while (!(bool)progress!["done"]!);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(2, (int)progress["step"]!);
        Assert.False(herald.Logs.Contains("ApiKeyRefused"));
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
