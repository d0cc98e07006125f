using System.Net;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Api;

/// <summary>
/// The dashboard at <c>/admin</c> over HTTP (<see cref="EmbeddedPageEndpointTests"/>): no form may post anywhere, and its
/// files are public like the demo page's (they hold no data), while the API the page calls stays behind its keys.
/// </summary>
public sealed class AdminPageEndpointTests() : EmbeddedPageEndpointTests("admin", "/admin", "AdminPage", "Herald:AdminPage", "'none'")
{
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
