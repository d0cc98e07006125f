using Herald.Auth;
using Herald.Protocol;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Tests.Auth;

public sealed class LoginAuthorityTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void UsesConnectHook_NoUrl_IsFalseAndAnonymousLoginsStayAllowed()
    {
        using var authority = NewAuthority(new HeraldOptions());

        Assert.False(authority.UsesConnectHook);
        Assert.Null(authority.ConnectHook);
        Assert.True(authority.AllowsAnonymous);
    }

    [Fact]
    public void UsesConnectHook_UrlConfigured_IsTrueAndAnonymousLoginsAreOff()
    {
        using var authority = NewAuthority(ConnectHookClientTests.Options(new Uri("http://127.0.0.1:1/connect")));

        Assert.True(authority.UsesConnectHook);
        Assert.False(authority.AllowsAnonymous);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void AllowsAnonymous_SetBesideTheHook_IsAsSet(bool allow, bool expected)
    {
        var options = ConnectHookClientTests.Options(new Uri("http://127.0.0.1:1/connect"));
        options.AllowAnonymousLogin = allow;
        using var authority = NewAuthority(options);

        Assert.Equal(expected, authority.AllowsAnonymous);
    }

    [Fact]
    public async Task CheckHandshakeAsync_NoHook_RefusesWithoutAskingAnyone()
    {
        using var authority = NewAuthority(new HeraldOptions());

        var check = await authority.CheckHandshakeAsync(ConnectHookClientTests.Handshake(("Cookie", "session=abc")), Cancellation);

        Assert.Equal((LoginVerdict.Refused, "no connect hook is configured on this server"), (check.Verdict, check.Reason));
    }

    [Fact]
    public async Task CheckHandshakeAsync_HookConfigured_IsTheBackendsAnswer()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"uid":"ada","topics":["orders:*"]}"""));
        using var authority = NewAuthority(ConnectHookClientTests.Options(backend.Url));

        var check = await authority.CheckHandshakeAsync(ConnectHookClientTests.Handshake(("Cookie", "session=abc")), Cancellation);

        Assert.Equal(("ada", IdentitySource.ConnectHook), (check.Identity!.UserId, check.Identity.Source));
        Assert.Contains("session=abc", Assert.Single(backend.Requests).Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CheckSubscribeAsync_CheckSubscribesOnAndAProvenIdentity_IsTheBackendsAnswer(bool fromTheHook)
    {
        var source = fromTheHook ? IdentitySource.ConnectHook : IdentitySource.Token;
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"allowed":true}"""));
        using var authority = NewAuthority(ConnectHookClientTests.Options(backend.Url, o => o.CheckSubscribes = true));

        var check = await authority.CheckSubscribeAsync(new ConnectionIdentity("ada", TopicGrants.None, null, source), "orders:eu", Cancellation);

        Assert.Equal(LoginVerdict.Accepted, check.Verdict);
        Assert.Equal(1, backend.CallsTo("/connect"));
    }

    [Fact]
    public async Task CheckSubscribeAsync_AnonymousIdentity_RefusesWithoutAsking()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"allowed":true}"""));
        using var authority = NewAuthority(ConnectHookClientTests.Options(backend.Url, o => o.CheckSubscribes = true));

        var check = await authority.CheckSubscribeAsync(new ConnectionIdentity("ada", TopicGrants.None, null, IdentitySource.Anonymous), "orders:eu", Cancellation);

        Assert.Equal((LoginVerdict.Refused, "the credential does not grant topic 'orders:eu'"), (check.Verdict, check.Reason));
        Assert.Empty(backend.Requests);
    }

    [Fact]
    public async Task CheckSubscribeAsync_CheckSubscribesOff_RefusesWithoutAsking()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"allowed":true}"""));
        using var authority = NewAuthority(ConnectHookClientTests.Options(backend.Url));

        var check = await authority.CheckSubscribeAsync(new ConnectionIdentity("ada", TopicGrants.None, null, IdentitySource.ConnectHook), "orders:eu", Cancellation);

        Assert.Equal(LoginVerdict.Refused, check.Verdict);
        Assert.Empty(backend.Requests);
    }

    [Fact]
    public async Task AddHerald_HookConfigured_RegistersOneAuthorityThatAsksIt()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"uid":"ada"}"""));
        await using var server = await HeraldTestServer.StartAsync(o => o.ConnectHook.Url = backend.Url);

        var authority = server.Services.GetRequiredService<ILoginAuthority>();
        var check = await authority.CheckHandshakeAsync(ConnectHookClientTests.Handshake(), Cancellation);

        Assert.Same(server.Services.GetRequiredService<LoginAuthority>(), authority);
        Assert.True(authority.UsesConnectHook);
        Assert.Equal(LoginVerdict.Accepted, check.Verdict);
        Assert.Contains(server.Logs.Entries, entry => entry.EventName == "ConnectHookAccepted" && entry.Category == "Herald.Auth.ConnectHook");
    }

    // The services AddHerald registers, over these options: the authority with its token validator and key source.
    private static LoginAuthority NewAuthority(HeraldOptions options) =>
        new ServiceCollection().AddLogging().AddSingleton(options).AddHerald().Services.BuildServiceProvider().GetRequiredService<LoginAuthority>();
}
