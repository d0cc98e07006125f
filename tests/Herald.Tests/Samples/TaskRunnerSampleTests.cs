using System.Net.Http.Json;
using System.Text.Json;
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
        await using var browser = await herald.ConnectAsUserAsync("worker-7");

        var page = await http.GetStringAsync("/", Cancellation);
        using var config = JsonDocument.Parse(await http.GetStringAsync("/config", Cancellation));
        using var started = await http.PostAsJsonAsync("/jobs", new { uid = "worker-7", steps = 3, stepMilliseconds = 10 }, Cancellation);

        Assert.Contains("<h1>Task runner</h1>", page, StringComparison.Ordinal);
        Assert.Equal(herald.WebSocketUri.ToString(), config.RootElement.GetProperty("heraldWebSocket").GetString());
        Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
        var job = (await started.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("job").GetString();
        for (var step = 1; step <= 3; step++)
        {
            using var progress = JsonDocument.Parse(await browser.ReceiveTextAsync());
            Assert.Equal(job, progress.RootElement.GetProperty("job").GetString());
            Assert.Equal(step, progress.RootElement.GetProperty("step").GetInt32());
            Assert.Equal(3, progress.RootElement.GetProperty("of").GetInt32());
            Assert.Equal(step == 3, progress.RootElement.GetProperty("done").GetBoolean());
        }
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
