using System.Net.Http.Headers;
using System.Threading.Channels;
using Herald.Client;
using TaskRunner;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

// The HTTP client factory logs every request, and a failed one with its stack trace; the job runner's one line
// per failed report says what matters.
builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://localhost:5080");
}

// The only things this backend knows about Herald: its address, and the API key when Herald wants one
// (--Herald:ApiKey <key>, or the Herald__ApiKey environment variable). Push is one call on HeraldPublisher.
var heraldUrl = new Uri(builder.Configuration["Herald:Url"] ?? "http://localhost:8181/");
var heraldApiKey = builder.Configuration["Herald:ApiKey"];
builder.Services.AddHttpClient<HeraldPublisher>(http =>
{
    http.BaseAddress = heraldUrl;
    if (!string.IsNullOrEmpty(heraldApiKey))
    {
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", heraldApiKey);
    }
});
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<JobBoard>();
builder.Services.AddSingleton(Channel.CreateBounded<Job>(new BoundedChannelOptions(100) { FullMode = BoundedChannelFullMode.Wait }));
builder.Services.AddHostedService<JobRunner>();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, SampleJsonContext.Default));

var app = builder.Build();

app.MapGet("/", () => Results.Stream(typeof(Job).Assembly.GetManifestResourceStream("index.html")!, "text/html; charset=utf-8"));
var heraldWebSocket = new UriBuilder(new Uri(heraldUrl, "ws")) { Scheme = heraldUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;
var heraldClientScript = new Uri(heraldUrl, "herald/client.js");
app.MapGet("/config", () => new SampleConfig(heraldWebSocket.ToString(), heraldClientScript.ToString()));

// The status call: where the user's jobs stand, for a page that (re)loads.
app.MapGet("/jobs", (string? uid, JobBoard board) => string.IsNullOrWhiteSpace(uid)
    ? Results.ValidationProblem(new Dictionary<string, string[]> { ["uid"] = ["uid is required"] })
    : Results.Ok(new UserJobs(board.ForUser(uid))));
app.MapPost("/jobs", async (JobRequest request, Channel<Job> jobs, JobBoard board, TimeProvider clock, CancellationToken cancellationToken) =>
{
    if (string.IsNullOrWhiteSpace(request.Uid) || request.Steps is < 1 or > 100 || request.StepMilliseconds is < 0 or > 10_000)
    {
        return Results.ValidationProblem(new Dictionary<string, string[]>
        {
            ["job"] = ["uid is required, steps must be 1 to 100, stepMilliseconds 0 to 10000"],
        });
    }

    var job = new Job(Guid.NewGuid().ToString("N")[..8], request.Uid, request.Steps, TimeSpan.FromMilliseconds(request.StepMilliseconds));
    board.Add(job, clock.GetUtcNow());
    await jobs.Writer.WriteAsync(job, cancellationToken);
    return Results.Accepted(value: new JobAccepted(job.Id));
});

app.Run();
