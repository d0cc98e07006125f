using System.Text.Json.Nodes;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Auth;

/// <summary>The seed's anonymous <c>{"uid":"..."}</c> login, once it is switched off.</summary>
public abstract class AnonymousLoginTests(bool direct) : BothWebSocketPaths(direct)
{
    [Fact]
    public async Task SeedLogin_AnonymousOff_ClosesWith4012()
    {
        await using var server = await StartServerAsync(options => options.AllowAnonymousLogin = false);
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"uid":"123"}""");

        Assert.Equal(HeraldCloseCodes.LoginRefused, await client.ReceiveCloseAsync());
        Assert.Equal("anonymous login is off: log in with a token", client.Socket.CloseStatusDescription);
        Assert.False(server.Hub.GetUser("123").Online);
        Assert.True(server.Logs.Contains("LoginRejected"));
        Assert.Equal(0, await server.SendAsync("123", "nobody"));
    }

    [Fact]
    public async Task HeraldV1Login_AnonymousOff_ClosesWith4012()
    {
        await using var server = await StartServerAsync(options => options.AllowAnonymousLogin = false);
        await using var client = await V1Client.ConnectAsync(server);

        await client.SendAsync(new JsonObject { ["type"] = "login", ["uid"] = "123" });

        Assert.Equal(HeraldCloseCodes.LoginRefused, await client.Raw.ReceiveCloseAsync());
        Assert.False(server.Hub.GetUser("123").Online);
    }

    [Fact]
    public async Task SeedLogin_TokenWhileNoKeyIsConfigured_ClosesWith4012()
    {
        await using var server = await StartServerAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"token":"eyJhbGciOiJIUzI1NiJ9.e30.x"}""");

        Assert.Equal(HeraldCloseCodes.LoginRefused, await client.ReceiveCloseAsync());
        Assert.Equal("tokens are not configured on this server", client.Socket.CloseStatusDescription);
    }
}

public sealed class AnonymousLoginTestsThroughAspNetCore() : AnonymousLoginTests(direct: false);

public sealed class AnonymousLoginTestsOnDirectPath() : AnonymousLoginTests(direct: true);
