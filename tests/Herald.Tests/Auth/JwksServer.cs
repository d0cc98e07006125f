using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Auth;

/// <summary>
/// An identity provider's JWKS endpoint: a real Kestrel on 127.0.0.1:0 serving <see cref="Document"/> at /jwks.json
/// (or failing with <see cref="Status"/>), counting every request.
/// </summary>
internal sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private JwksServer(WebApplication app, string document)
    {
        _app = app;
        Document = document;
    }

    /// <summary>The key set served; change it to rotate keys.</summary>
    public string Document { get; set; }

    /// <summary>The status answered; anything but 200 answers without the document.</summary>
    public int Status { get; set; } = StatusCodes.Status200OK;

    public int Requests => Volatile.Read(ref _requests);

    public Uri Url { get; private set; } = null!;

    public static async Task<JwksServer> StartAsync(string document)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new JwksServer(app, document);
        app.MapGet("/jwks.json", () =>
        {
            Interlocked.Increment(ref server._requests);
            return server.Status == StatusCodes.Status200OK
                ? Results.Text(server.Document, "application/json")
                : Results.StatusCode(server.Status);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        server.Url = new Uri(new Uri(app.Urls.Single()), "/jwks.json");
        return server;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
