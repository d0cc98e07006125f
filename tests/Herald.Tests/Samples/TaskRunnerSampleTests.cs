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

        // The page loads Herald's browser client, and reloads the job's state from the backend's status call.
        Assert.Equal(new Uri(herald.BaseAddress, "herald/client.js").ToString(), config.RootElement.GetProperty("heraldClientScript").GetString());
        Assert.Contains("import(config.heraldClientScript)", page, StringComparison.Ordinal);
        using var status = JsonDocument.Parse(await http.GetStringAsync("/jobs?uid=worker-7", Cancellation));
        var reported = Assert.Single(status.RootElement.GetProperty("jobs").EnumerateArray());
        Assert.Equal(job, reported.GetProperty("job").GetString());
        Assert.Equal(3, reported.GetProperty("step").GetInt32());
        Assert.Equal(3, reported.GetProperty("of").GetInt32());
        Assert.True(reported.GetProperty("done").GetBoolean());
        Assert.Empty(JsonDocument.Parse(await http.GetStringAsync("/jobs?uid=someone-else", Cancellation)).RootElement.GetProperty("jobs").EnumerateArray());
    }

    [Fact]
    public async Task StartJob_HeraldUnreachable_LogsEachFailedReportOnOneLine_AndTheStatusCallStillKnowsTheJob()
    {
        // A port nothing listens on: every publish fails to connect.
        var heraldPort = HeraldProcess.FreePort();
        var port = HeraldProcess.FreePort();
        await using var sample = await HeraldProcess.StartAsync(
            ["--urls", $"http://127.0.0.1:{port}", "--Herald:Url", $"http://127.0.0.1:{heraldPort}/"],
            assembly: "TaskRunner.dll",
            readyMarker: "Now listening on");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var started = await http.PostAsJsonAsync("/jobs", new { uid = "worker-9", steps = 2, stepMilliseconds = 0 }, Cancellation);
        await Eventually.TrueAsync(
            () => Task.FromResult(sample.Output.Contains("step 2 could not be reported to user worker-9", StringComparison.Ordinal)),
            "both steps' failed reports to be logged");

        Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
        var failures = sample.Output.Split('\n').Where(line => line.Contains("could not be reported", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, line => Assert.Contains("Connection refused", line, StringComparison.Ordinal));
        Assert.DoesNotContain(sample.Output.Split('\n'), line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        using var status = JsonDocument.Parse(await http.GetStringAsync("/jobs?uid=worker-9", Cancellation));
        Assert.True(Assert.Single(status.RootElement.GetProperty("jobs").EnumerateArray()).GetProperty("done").GetBoolean());
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
