using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Auth;

/// <summary>
/// An application's backend for the connect hook: a real Kestrel on 127.0.0.1:0 whose answer each test scripts
/// (<see cref="Answer"/>), keeping every request it got, so that tests can see what Herald sent and how often.
/// </summary>
public sealed class HookBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<HookRequest> _requests = new();
    private readonly List<TaskCompletionSource> _releases = [];
    private volatile Func<HttpContext, Task> _handler;

    private HookBackend(WebApplication app, Func<HttpContext, Task> handler)
    {
        _app = app;
        _handler = handler;
    }

    /// <summary>Where the connect checks go.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Where the subscribe checks go, when a test gives them a URL of their own.</summary>
    public Uri SubscribeUrl => new(Url, "/subscribe");

    public IReadOnlyCollection<HookRequest> Requests => _requests;

    /// <summary>Requests to <paramref name="path"/>.</summary>
    public int CallsTo(string path) => _requests.Count(request => request.Path == path);

    public static async Task<HookBackend> StartAsync(Func<HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var backend = new HookBackend(app, handler);
        app.Run(backend.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        backend.Url = new Uri(new Uri(app.Urls.Single()), "/connect");
        return backend;
    }

    /// <summary>Answers the next requests with <paramref name="handler"/>.</summary>
    public void Answer(Func<HttpContext, Task> handler) => _handler = handler;

    /// <summary>A JSON answer with this status and body, exactly as written.</summary>
    public static Func<HttpContext, Task> Json(int status, string body) => context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    };

    public static Func<HttpContext, Task> Status(int status) => context =>
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    };

    /// <summary>
    /// An answer that waits: <paramref name="arrived"/> completes once the request is in, and the answer (then
    /// <paramref name="then"/>) is only written when the test releases it, or when the backend is disposed.
    /// </summary>
    public Func<HttpContext, Task> Slow(TaskCompletionSource arrived, TaskCompletionSource release, Func<HttpContext, Task> then)
    {
        lock (_releases)
        {
            _releases.Add(release);
        }

        return async context =>
        {
            arrived.TrySetResult();
            await release.Task;
            await then(context);
        };
    }

    public async ValueTask DisposeAsync()
    {
        lock (_releases)
        {
            _releases.ForEach(release => release.TrySetResult());
        }

        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new HookRequest(context.Request.Method, context.Request.Path, headers, body));
        await _handler(context);
    }
}

/// <summary>One request the backend got: its method, path, HTTP headers and body.</summary>
public sealed record HookRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}
