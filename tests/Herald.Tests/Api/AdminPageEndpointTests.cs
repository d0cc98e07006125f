using System.Net;
using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Herald.Tests.Api;

/// <summary>
/// The dashboard's files over HTTP: only when asked for, with cache validators and a strict CSP, and public like the
/// demo page's (they hold no data), while the API the page calls stays behind its keys.
/// </summary>
public sealed class AdminPageEndpointTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/admin")]
    [InlineData("/herald/admin.js")]
    [InlineData("/herald/admin.css")]
    public async Task Get_ByDefault_IsNotFound(string path)
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.Http.GetAsync(path, Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_ByDefault_LeavesTheAppsOwnAdminAlone()
    {
        await using var server = await HeraldTestServer.StartAsync(configureApp: app => app.MapGet("/admin", () => "the app's own admin"));

        Assert.Equal("the app's own admin", await server.Http.GetStringAsync("/admin", Cancellation));
    }

    [Fact]
    public async Task GetPage_FromConfiguration_ServesTheEmbeddedPageWithAStrictPolicy()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Herald:AdminPage"] = "true" });

        using var response = await server.Http.GetAsync("/admin", Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllTextAsync(RepositoryFiles.PathOf("src", "Herald", "Api", "AdminPage", "index.html"), Cancellation), await response.Content.ReadAsStringAsync(Cancellation));
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("form-action 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.False(response.Headers.ETag?.IsWeak ?? true);
        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.EventId == 109);
    }

    [Theory]
    [InlineData("/herald/admin.js", "text/javascript", "admin.js")]
    [InlineData("/herald/admin.css", "text/css", "admin.css")]
    public async Task GetFile_WhenOn_ServesItAndAnswers304ToItsETag(string path, string mediaType, string file)
    {
        await using var server = await HeraldTestServer.StartAsync(options => options.AdminPage = true);
        using var first = await server.Http.GetAsync(path, Cancellation);
        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var revalidated = await server.Http.SendAsync(again, Cancellation);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(mediaType, first.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(RepositoryFiles.PathOf("src", "Herald", "Api", "AdminPage", file), Cancellation), await first.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    [Fact]
    public async Task GetPage_WithKeysConfigured_IsServedWhileTheApiItCallsRefusesWithoutAKey()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings(("Herald:AdminPage", "true")));

        using var page = await server.Http.GetAsync("/admin", Cancellation);
        using var refused = await server.Http.GetAsync("/api/v1/stats", Cancellation);
        using var admitted = await server.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, "/api/v1/stats", TestApiKeys.Ops), Cancellation);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }
}
