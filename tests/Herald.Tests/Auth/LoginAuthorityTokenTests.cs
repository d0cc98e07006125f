using System.Security.Cryptography;
using Herald.Protocol;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Herald.Tests.Auth;

/// <summary>The login authority AddHerald registers: what configuring tokens turns on and off, and its token checks on a real server.</summary>
public sealed class LoginAuthorityTokenTests
{
    private static readonly byte[] Secret = TestTokens.Secret();

    [Fact]
    public async Task CheckTokenAsync_NoKeySource_AllowsAnonymousAndRefusesTokens()
    {
        await using var services = TokenServices.Create(_ => { });

        var check = await services.Authority.CheckTokenAsync(TestTokens.Mint(new SymmetricSecurityKey(Secret), SecurityAlgorithms.HmacSha256), TestContext.Current.CancellationToken);

        Assert.True(services.Authority.AllowsAnonymous);
        Assert.Equal(LoginVerdict.Refused, check.Verdict);
        Assert.Equal("tokens are not configured on this server", check.Reason);
    }

    [Fact]
    public async Task CheckTokenAsync_SecretConfigured_ChecksTokensAndRefusesAnonymous()
    {
        await using var services = TokenServices.Create(tokens =>
        {
            tokens.SecretBase64 = Convert.ToBase64String(Secret);
            tokens.RefreshNotice = TimeSpan.FromSeconds(90);
        });

        var check = await services.Authority.CheckTokenAsync(TestTokens.Mint(new SymmetricSecurityKey(Secret), SecurityAlgorithms.HmacSha256), TestContext.Current.CancellationToken);

        Assert.False(services.Authority.AllowsAnonymous);
        Assert.Equal(TimeSpan.FromSeconds(90), services.Authority.RefreshNotice);
        Assert.Equal(LoginVerdict.Accepted, check.Verdict);
        Assert.Equal("ada", check.Identity!.UserId);
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, false, false)]
    [InlineData(false, true, true)]
    [InlineData(false, false, false)]
    public async Task AllowsAnonymous_AllowAnonymousLoginSet_WinsOverTheDefault(bool tokensConfigured, bool allowAnonymousLogin, bool allowed)
    {
        await using var services = TokenServices.Create(
            tokens => tokens.SecretBase64 = tokensConfigured ? Convert.ToBase64String(Secret) : null,
            herald => herald.AllowAnonymousLogin = allowAnonymousLogin);

        Assert.Equal(allowed, services.Authority.AllowsAnonymous);
    }

    [Fact]
    public async Task StartAsync_JwksUrl_ServerListensWithTheKeysLoaded()
    {
        using var rsa = RSA.Create(2048);
        await using var jwks = await JwksServer.StartAsync(Jwks.Of(Jwks.Rsa(rsa, "k1")));
        await using var server = await HeraldTestServer.StartAsync(options =>
        {
            options.Tokens.JwksUrl = jwks.Url.ToString();
            options.Tokens.Issuer = "https://idp.example";
            options.Tokens.Audience = "herald";
        });
        var authority = server.Services.GetRequiredService<ILoginAuthority>();
        var requestsAtStart = jwks.Requests;

        var check = await authority.CheckTokenAsync(
            TestTokens.Mint(Jwks.SigningKey(rsa, "k1"), SecurityAlgorithms.RsaSha256, token =>
            {
                token.Issuer = "https://idp.example";
                token.Audience = "herald";
                token.Claims["topics"] = "orders:*";
            }, issuedAt: DateTimeOffset.UtcNow),
            TestContext.Current.CancellationToken);

        Assert.Equal(1, requestsAtStart);
        Assert.Equal(LoginVerdict.Accepted, check.Verdict);
        Assert.True(check.Identity!.Topics!.Allows("orders:eu"));
        Assert.Equal(1, jwks.Requests);
        Assert.True(server.Logs.Contains("TokenKeysLoaded"));
        Assert.False(server.Logs.Contains("TokenChecksMissing"));
    }

    [Fact]
    public async Task StartAsync_NoIssuerNoAudienceNoExpiry_WarnsOfEachCheckLeftOut()
    {
        await using var server = await HeraldTestServer.StartAsync(options =>
        {
            options.Tokens.SecretBase64 = Convert.ToBase64String(Secret);
            options.Tokens.RequireExpiration = false;
        });

        var warnings = server.Logs.Entries.Where(entry => entry.EventName == "TokenChecksMissing").Select(entry => entry.Message).ToList();

        Assert.Equal(3, warnings.Count);
        Assert.Contains(warnings, warning => warning.StartsWith("Tokens are accepted without checking their issuer: ", StringComparison.Ordinal));
        Assert.Contains(warnings, warning => warning.StartsWith("Tokens are accepted without checking their audience: ", StringComparison.Ordinal));
        Assert.Contains(warnings, warning => warning.StartsWith("Tokens are accepted without checking their expiry: ", StringComparison.Ordinal));
        Assert.Contains(server.Logs.Entries, entry => entry.EventName == "TokenKeysLoaded" && entry.Message.Contains("the 32-byte secret of Herald:Tokens:SecretBase64", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_TokensSection_BindsEveryKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Herald:Tokens:Secret"] = "s",
            ["Herald:Tokens:SecretBase64"] = "c2VjcmV0",
            ["Herald:Tokens:PublicKeyFiles:0"] = "a.pem",
            ["Herald:Tokens:PublicKeyFiles:1"] = "b.pem",
            ["Herald:Tokens:JwksFile"] = "jwks.json",
            ["Herald:Tokens:JwksUrl"] = "https://idp.example/jwks",
            ["Herald:Tokens:JwksRefreshInterval"] = "00:10:00",
            ["Herald:Tokens:JwksMinRefreshInterval"] = "00:00:05",
            ["Herald:Tokens:Issuer"] = "https://idp.example",
            ["Herald:Tokens:ValidIssuers:0"] = "https://idp-2.example",
            ["Herald:Tokens:Audience"] = "herald",
            ["Herald:Tokens:ValidAudiences:0"] = "herald-eu",
            ["Herald:Tokens:ClockSkew"] = "00:00:10",
            ["Herald:Tokens:RequireExpiration"] = "false",
            ["Herald:Tokens:TopicsClaim"] = "scope",
            ["Herald:Tokens:RefreshNotice"] = "00:02:00",
        }).Build();
        var options = new HeraldOptions();

        // What AddHerald's BindConfiguration does, without the validation (the files named here do not exist).
        configuration.GetSection(HeraldOptions.SectionName).Bind(options);
        var tokens = options.Tokens;

        Assert.Equal("s", tokens.Secret);
        Assert.Equal("c2VjcmV0", tokens.SecretBase64);
        Assert.Equal(["a.pem", "b.pem"], tokens.PublicKeyFiles);
        Assert.Equal("jwks.json", tokens.JwksFile);
        Assert.Equal("https://idp.example/jwks", tokens.JwksUrl);
        Assert.Equal(TimeSpan.FromMinutes(10), tokens.JwksRefreshInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), tokens.JwksMinRefreshInterval);
        Assert.Equal("https://idp.example", tokens.Issuer);
        Assert.Equal(["https://idp-2.example"], tokens.ValidIssuers);
        Assert.Equal("herald", tokens.Audience);
        Assert.Equal(["herald-eu"], tokens.ValidAudiences);
        Assert.Equal(TimeSpan.FromSeconds(10), tokens.ClockSkew);
        Assert.False(tokens.RequireExpiration);
        Assert.Equal("scope", tokens.TopicsClaim);
        Assert.Equal(TimeSpan.FromMinutes(2), tokens.RefreshNotice);
    }
}
