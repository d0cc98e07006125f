using System.Net;
using System.Net.Http.Headers;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Api;

public sealed class ClientScriptEndpointTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetScript_Always_ServesTheCommittedBuildWithAStrongETag()
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.Http.GetAsync("/herald/client.js", Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(RepositoryFiles.PathOf("clients", "js", "dist", "herald-client.js"), Cancellation), await response.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.False(response.Headers.ETag?.IsWeak ?? true);
        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Theory]
    [InlineData("/herald/client.js")]
    [InlineData("/herald/client.d.ts")]
    public async Task Get_WithTheETagInIfNoneMatch_Answers304WithoutABody(string path)
    {
        await using var server = await HeraldTestServer.StartAsync();
        using var first = await server.Http.GetAsync(path, Cancellation);
        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\""));
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var response = await server.Http.SendAsync(again, Cancellation);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(first.Headers.ETag, response.Headers.ETag);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Get_WithAnotherETag_AnswersTheScript()
    {
        await using var server = await HeraldTestServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/herald/client.js");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"stale\""));

        using var response = await server.Http.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Head_Script_AnswersTheLengthWithoutABody()
    {
        await using var server = await HeraldTestServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Head, "/herald/client.js");

        using var response = await server.Http.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new FileInfo(RepositoryFiles.PathOf("clients", "js", "dist", "herald-client.js")).Length, response.Content.Headers.ContentLength);
    }
}
