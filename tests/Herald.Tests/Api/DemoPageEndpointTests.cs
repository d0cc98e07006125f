using System.Net;
using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Herald.Tests.Api;

/// <summary>The demo page over HTTP: only when asked for, with its files, cache validators and a strict CSP.</summary>
public sealed class DemoPageEndpointTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/")]
    [InlineData("/herald/demo.js")]
    [InlineData("/herald/demo.css")]
    public async Task Get_ByDefault_IsNotFound(string path)
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.Http.GetAsync(path, Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_ByDefault_LeavesTheAppsOwnRootAlone()
    {
        await using var server = await HeraldTestServer.StartAsync(configureApp: app => app.MapGet("/", () => "the app's own page"));

        Assert.Equal("the app's own page", await server.Http.GetStringAsync("/", Cancellation));
    }

    [Fact]
    public async Task GetPage_WhenOn_ServesTheEmbeddedPageWithAStrictPolicy()
    {
        await using var server = await HeraldTestServer.StartAsync(options => options.DemoPage = true);

        using var response = await server.Http.GetAsync("/", Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllTextAsync(RepositoryFiles.PathOf("src", "Herald", "Api", "DemoPage", "index.html"), Cancellation), await response.Content.ReadAsStringAsync(Cancellation));
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.False(response.Headers.ETag?.IsWeak ?? true);
        Assert.True(response.Headers.CacheControl?.NoCache);
    }

    [Fact]
    public async Task GetPage_FromConfiguration_IsOn()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Herald:DemoPage"] = "true" });

        using var response = await server.Http.GetAsync("/", Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.EventId == 109);
    }

    [Theory]
    [InlineData("/herald/demo.js", "text/javascript", "demo.js")]
    [InlineData("/herald/demo.css", "text/css", "demo.css")]
    public async Task GetFile_WhenOn_ServesItAndAnswers304ToItsETag(string path, string mediaType, string file)
    {
        await using var server = await HeraldTestServer.StartAsync(options => options.DemoPage = true);
        using var first = await server.Http.GetAsync(path, Cancellation);
        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var revalidated = await server.Http.SendAsync(again, Cancellation);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(mediaType, first.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(RepositoryFiles.PathOf("src", "Herald", "Api", "DemoPage", file), Cancellation), await first.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Head_Page_AnswersTheLengthWithoutABody()
    {
        await using var server = await HeraldTestServer.StartAsync(options => options.DemoPage = true);

        using var response = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Content.Headers.ContentLength > 0);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancellation));
    }
}
