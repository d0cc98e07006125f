using System.Net;
using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Herald.Tests.Api;

/// <summary>
/// What each of Herald's own pages does over HTTP, run for each by a sealed subclass: nothing until its setting is
/// on (and the app's own route at its path left alone), then its page with a strict CSP, its script and style sheet
/// and the sheet the pages share, each with a strong ETag that answers 304, and HEAD without a body.
/// </summary>
/// <param name="name">The page's files' name: <c>/herald/&lt;name&gt;.js</c> and <c>.css</c>, from <c>Api/&lt;folder&gt;/</c>.</param>
/// <param name="pagePath">Where the page itself is.</param>
/// <param name="folder">Its folder under src/Herald/Api.</param>
/// <param name="setting">The configuration key that turns it on.</param>
/// <param name="formAction">The CSP's form-action for it.</param>
public abstract class EmbeddedPageEndpointTests(string name, string pagePath, string folder, string setting, string formAction)
{
    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A server with the page turned on through configuration, as an operator does.</summary>
    protected Task<HeraldTestServer> StartWithPageAsync() =>
        HeraldTestServer.StartAsync(settings: new Dictionary<string, string?> { [setting] = "true" });

    [Theory]
    [InlineData("page")]
    [InlineData("js")]
    [InlineData("css")]
    [InlineData("shared css")]
    public async Task Get_ByDefault_IsNotFound(string file)
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.Http.GetAsync(PathOf(file), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_ByDefault_LeavesTheAppsOwnRouteAlone()
    {
        await using var server = await HeraldTestServer.StartAsync(configureApp: app => app.MapGet(pagePath, () => "the app's own page"));

        Assert.Equal("the app's own page", await server.Http.GetStringAsync(pagePath, Cancellation));
    }

    [Fact]
    public async Task GetPage_WhenOn_ServesTheEmbeddedPageWithAStrictPolicy()
    {
        await using var server = await StartWithPageAsync();

        using var response = await server.Http.GetAsync(pagePath, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllTextAsync(SourceOf("page"), Cancellation), await response.Content.ReadAsStringAsync(Cancellation));
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains($"form-action {formAction}", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.False(response.Headers.ETag?.IsWeak ?? true);
        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.EventId == 109);
    }

    [Theory]
    [InlineData("js", "text/javascript")]
    [InlineData("css", "text/css")]
    [InlineData("shared css", "text/css")]
    public async Task GetFile_WhenOn_ServesItAndAnswers304ToItsETag(string file, string mediaType)
    {
        await using var server = await StartWithPageAsync();
        using var first = await server.Http.GetAsync(PathOf(file), Cancellation);
        using var again = new HttpRequestMessage(HttpMethod.Get, PathOf(file));
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var revalidated = await server.Http.SendAsync(again, Cancellation);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(mediaType, first.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(SourceOf(file), Cancellation), await first.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task GetPage_WhenOn_LinksTheSharedStyleSheetBeforeItsOwn()
    {
        await using var server = await StartWithPageAsync();

        var page = await server.Http.GetStringAsync(pagePath, Cancellation);

        var shared = page.IndexOf("href=\"herald/pages.css\"", StringComparison.Ordinal);
        Assert.InRange(shared, 0, page.IndexOf($"href=\"herald/{name}.css\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Head_Page_AnswersTheLengthWithoutABody()
    {
        await using var server = await StartWithPageAsync();

        using var response = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, pagePath), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Content.Headers.ContentLength > 0);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    private string PathOf(string file) => file switch
    {
        "page" => pagePath,
        "shared css" => "/herald/pages.css",
        _ => $"/herald/{name}.{file}",
    };

    private string SourceOf(string file) => file switch
    {
        "page" => RepositoryFiles.PathOf("src", "Herald", "Api", folder, "index.html"),
        "shared css" => RepositoryFiles.PathOf("src", "Herald", "Api", "pages.css"),
        _ => RepositoryFiles.PathOf("src", "Herald", "Api", folder, $"{name}.{file}"),
    };
}
