using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Api;

/// <summary><c>POST /api/v1/users/{uid}/disconnect</c> and <see cref="IHeraldHub.DisconnectUserAsync"/>.</summary>
public abstract class UserDisconnectTests(bool direct) : BothWebSocketPaths(direct)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Disconnect_UserWithTwoConnections_ClosesBothWith4004AndLeavesOthers()
    {
        await using var server = await StartServerAsync();
        await using var tab1 = await server.ConnectAsUserAsync("banned");
        await using var tab2 = await server.ConnectAsUserAsync("banned");
        await using var other = await server.ConnectAsUserAsync("other");

        using var response = await server.Http.PostAsync("/api/v1/users/banned/disconnect", content: null, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"disconnected":2}""", await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(HeraldCloseCodes.Disconnected, await tab1.ReceiveCloseAsync());
        Assert.Equal(HeraldCloseCodes.Disconnected, await tab2.ReceiveCloseAsync());
        Assert.Equal("disconnected by the server", tab1.Socket.CloseStatusDescription);
        await Eventually.TrueAsync(() => !server.Hub.GetUser("banned").Online, "the user's connections to be gone");
        Assert.Equal(1, await server.SendAsync("other", "still here"));
        Assert.Equal("still here", await other.ReceiveTextAsync());
        Assert.True(server.Logs.Contains("UserDisconnected"));
    }

    [Fact]
    public async Task Disconnect_WithReasonInJsonBody_SendsItAndTheUserMayComeBack()
    {
        await using var server = await StartServerAsync();
        await using var client = await server.ConnectAsUserAsync("tenant/7");

        using var response = await server.Http.PostAsJsonAsync("/api/v1/users/tenant/7/disconnect", new { reason = "logged out" }, Cancellation);

        Assert.Equal("""{"disconnected":1}""", await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(HeraldCloseCodes.Disconnected, await client.ReceiveCloseAsync());
        Assert.Equal("logged out", client.Socket.CloseStatusDescription);
        await using var again = await server.ConnectAsUserAsync("tenant/7");
        Assert.Equal(1, await server.SendAsync("tenant/7", "welcome back"));
        Assert.Equal("welcome back", await again.ReceiveTextAsync());
    }

    [Fact]
    public async Task Disconnect_UserWithoutConnections_ReportsZero()
    {
        await using var server = await StartServerAsync();

        using var response = await server.Http.PostAsync("/api/v1/users/nobody/disconnect?reason=bye", content: null, Cancellation);

        Assert.Equal("""{"disconnected":0}""", await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Theory]
    [InlineData("/api/v1/users/u/disconnect?reason=", "reason", HttpStatusCode.OK)]
    [InlineData("/api/v1/users/u/ban", null, HttpStatusCode.NotFound)]
    [InlineData("/api/v1/users//disconnect", "uid", HttpStatusCode.BadRequest)]
    public async Task Disconnect_OddRequests_AnswerPlainly(string url, string? parameter, HttpStatusCode expected)
    {
        await using var server = await StartServerAsync();

        using var response = await server.Http.PostAsync(url, content: null, Cancellation);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.BadRequest)
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(parameter!, out _));
        }
    }

    [Fact]
    public async Task Disconnect_ReasonWithLoneSurrogateEscape_Returns400AndDisconnectsNobody()
    {
        await using var server = await StartServerAsync();
        await using var client = await server.ConnectAsUserAsync("u");

        using var response = await server.Http.PostAsync(
            "/api/v1/users/u/disconnect", new StringContent("""{"reason":"\ud800"}""", System.Text.Encoding.UTF8, "application/json"), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Invalid JSON body", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(1, server.Hub.GetUser("u").Connections);
    }

    [Fact]
    public async Task Disconnect_ReasonOver100Bytes_Returns400NamingReason()
    {
        await using var server = await StartServerAsync();

        using var response = await server.Http.PostAsJsonAsync("/api/v1/users/u/disconnect", new { reason = new string('é', 51) }, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("reason must be at most 100 bytes of UTF-8 (was 102)", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () => await server.Hub.DisconnectUserAsync("u", new string('x', 101), Cancellation));
    }
}

public sealed class UserDisconnectTestsThroughAspNetCore() : UserDisconnectTests(direct: false);

public sealed class UserDisconnectTestsOnDirectPath() : UserDisconnectTests(direct: true);
