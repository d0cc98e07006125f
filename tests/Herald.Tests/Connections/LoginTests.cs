using System.Net.WebSockets;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Tests.Connections;

public abstract class LoginTests(bool direct) : BothWebSocketPaths(direct)
{
    [Fact]
    public async Task Receive_JunkBeforeLogin_IsIgnoredAndLoginStillWorks()
    {
        await using var server = await StartServerAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("hello");
        await client.SendTextAsync("{not json");
        await client.SendTextAsync("""[{"uid":"123"}]""");
        await client.SendTextAsync("""{"user":"123"}""");
        await client.SendTextAsync("""{"uid":"123"} trailing""");
        await client.SendTextAsync(string.Empty);
        await client.SendBinaryAsync("""{"uid":"123"}"""u8.ToArray());
        await client.SendTextAsync("""{"other":{"uid":"nested"},"uid":"123"}""");
        await Eventually.TrueAsync(() => server.Hub.GetUser("123").Online, "the valid login after the junk");

        Assert.Equal(1, server.Hub.GetStats().Connections);
        Assert.False(server.Hub.GetUser("nested").Online);
        Assert.Equal(1, await server.SendAsync("123", "still here"));
        Assert.Equal("still here", await client.ReceiveTextAsync());
        Assert.True(server.Logs.Contains("ClientMessageIgnored"));
    }

    [Fact]
    public async Task Login_UidWithLineBreaksAndEscapes_WorksAndReachesTheLogEscaped()
    {
        await using var server = await StartServerAsync();
        await using var client = await server.ConnectAsync();
        const string userId = "ada\r\nConnection 1 logged in as user root\u001b[2J\0";

        // The same uid as JSON escapes: a JSON string may not hold control characters raw.
        await client.SendTextAsync("""{"uid":"ada\r\nConnection 1 logged in as user root\u001b[2J\u0000"}""");
        await Eventually.TrueAsync(() => server.Hub.GetUser(userId).Online, "the login");
        Assert.Equal(1, await server.Hub.SendToUserAsync(userId, "hi", TestContext.Current.CancellationToken));
        Assert.Equal("hi", await client.ReceiveTextAsync());
        await client.DisposeAsync();
        await Eventually.TrueAsync(() => server.Logs.Contains("ConnectionClosed"), "the connection's end to be logged");

        // The uid is the client's to choose: no line it appears in may break, forge a line, or drive a terminal.
        var lines = server.Logs.Entries.Where(entry => entry.EventName is "ConnectionLoggedIn" or "ConnectionClosed").ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, line =>
        {
            Assert.Contains(@"ada\u000D\u000AConnection 1 logged in as user root\u001B[2J\u0000", line.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(line.Message, c => char.IsControl(c));
        });
    }

    [Fact]
    public async Task Receive_MessagesAfterLogin_AreIgnored()
    {
        await using var server = await StartServerAsync();
        await using var client = await server.ConnectAsUserAsync("123");

        await client.SendTextAsync("ping?");
        await client.SendBinaryAsync([1, 2, 3]);

        Assert.Equal(1, await server.SendAsync("123", "after junk"));
        Assert.Equal("after junk", await client.ReceiveTextAsync());
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Theory]
    [InlineData("""{"uid":""}""")]
    [InlineData("""{"uid":5}""")]
    [InlineData("""{"uid":null}""")]
    [InlineData("""{"uid":["a"]}""")]
    public async Task Login_InvalidUid_ClosesWith4000(string login)
    {
        await using var server = await StartServerAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync(login);

        Assert.Equal(HeraldCloseCodes.InvalidLogin, await client.ReceiveCloseAsync());
        Assert.False(string.IsNullOrEmpty(client.Socket.CloseStatusDescription));
        await Eventually.TrueAsync(() => server.Hub.GetStats().Connections == 0, "the connection to be removed");
    }

    [Theory]
    [InlineData("""{"uid":"\ud800"}""")]
    [InlineData("""{"uid":"ada\udc00"}""")]
    public async Task Login_UidWithLoneSurrogateEscape_ClosesWith4000NamingTheRule(string login)
    {
        await using var server = await StartServerAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync(login);

        Assert.Equal(HeraldCloseCodes.InvalidLogin, await client.ReceiveCloseAsync());
        Assert.Equal("uid is not valid UTF-16: lone surrogate", client.Socket.CloseStatusDescription);
        await Eventually.TrueAsync(() => server.Logs.Contains("LoginRejected"), "the refused login to be logged");
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.EventName == "ConnectionFailed");
    }

    [Fact]
    public async Task Login_UidLongerThanLimit_ClosesWith4000NamingTheLimit()
    {
        await using var server = await StartServerAsync(o => o.MaxUserIdLength = 8);
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"uid":"123456789"}""");

        Assert.Equal(HeraldCloseCodes.InvalidLogin, await client.ReceiveCloseAsync());
        Assert.Equal("uid must be at most 8 characters (was 9)", client.Socket.CloseStatusDescription);
    }

    [Fact]
    public async Task Login_SecondLoginOnLoggedInConnection_ClosesWith4002AndRemovesIt()
    {
        await using var server = await StartServerAsync();
        await using var client = await server.ConnectAsUserAsync("first");

        await client.SendTextAsync("""{"uid":"second"}""");

        Assert.Equal(HeraldCloseCodes.AlreadyLoggedIn, await client.ReceiveCloseAsync());
        await Eventually.TrueAsync(() => server.Hub.GetStats() is { Connections: 0, Users: 0 }, "the connection to be removed");
        Assert.False(server.Hub.GetUser("second").Online);
    }

    [Fact]
    public async Task Login_NotWithinLoginTimeout_ClosesWith4001()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await StartServerAsync(o => o.LoginTimeout = TimeSpan.FromSeconds(10), clock);
        await using var late = await server.ConnectAsync();
        await using var punctual = await server.ConnectAsync();
        await Eventually.TrueAsync(() => server.Hub.GetStats().PendingLogins == 2, "both connections to be accepted");
        await punctual.SendTextAsync("""{"uid":"punctual"}""");
        await Eventually.TrueAsync(() => server.Hub.GetUser("punctual").Online, "the punctual login");

        clock.Advance(TimeSpan.FromSeconds(9));
        await late.SendTextAsync("not a login");
        Assert.Equal(2, server.Hub.GetStats().Connections);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(HeraldCloseCodes.LoginTimeout, await late.ReceiveCloseAsync());
        await Eventually.TrueAsync(() => server.Hub.GetStats().Connections == 1, "the late connection to be removed");
        Assert.Equal(1, await server.SendAsync("punctual", "you stay"));
        Assert.Equal("you stay", await punctual.ReceiveTextAsync());
        await Eventually.TrueAsync(() => server.Logs.Contains("LoginTimedOut"), "the login timeout to be logged");
    }

    [Fact]
    public async Task Receive_MessageOverLimit_ClosesWith1009()
    {
        await using var server = await StartServerAsync(o => o.MaxClientMessageBytes = 1024);
        await using var client = await server.ConnectAsUserAsync("big");

        await client.SendTextAsync(new string('x', 1025));

        Assert.Equal((int)WebSocketCloseStatus.MessageTooBig, await client.ReceiveCloseAsync());
        Assert.Equal("message exceeds 1024 bytes", client.Socket.CloseStatusDescription);
        await Eventually.TrueAsync(() => server.Hub.GetStats() is { Connections: 0, Users: 0 }, "the connection to be removed");
    }

    [Fact]
    public async Task Receive_MessageExactlyAtLimit_IsAccepted()
    {
        await using var server = await StartServerAsync(o => o.MaxClientMessageBytes = 1024);
        await using var client = await server.ConnectAsync();
        var login = """{"uid":"edge","pad":""" + "\"" + new string('p', 1024 - 23) + "\"}";
        Assert.Equal(1024, login.Length);

        await client.SendTextAsync(login);

        await Eventually.TrueAsync(() => server.Hub.GetUser("edge").Online, "the login at exactly the limit");
    }
}

public sealed class LoginTestsThroughAspNetCore() : LoginTests(direct: false);

public sealed class LoginTestsOnDirectPath() : LoginTests(direct: true);
