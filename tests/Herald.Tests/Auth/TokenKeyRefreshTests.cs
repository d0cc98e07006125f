using System.Security.Cryptography;
using Herald.Auth;
using Herald.Protocol;
using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Herald.Tests.Auth;

/// <summary>
/// Keys from a JWKS, served by a real Kestrel or read from a file: loaded at start, refreshed on schedule and for a
/// token whose kid is not loaded (once, rate limited), kept when a refresh fails, and tokens refused as unavailable
/// while none has loaded.
/// </summary>
public sealed class TokenKeyRefreshTests : IDisposable
{
    private readonly KeyFiles _files = new();
    private readonly RSA _first = RSA.Create(2048);
    private readonly RSA _second = RSA.Create(2048);

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task StartAsync_JwksUrl_LoadsTheKeysOnceBeforeTokensArrive()
    {
        await using var jwks = await JwksServer.StartAsync(Jwks.Of(Jwks.Rsa(_first, "k1")));
        await using var services = TokenServices.Create(tokens => tokens.JwksUrl = jwks.Url.ToString());
        using var refresher = services.CreateRefresher();

        await refresher.StartAsync(TestContext.Current.CancellationToken);
        var check = await services.CheckAsync(Token(_first, "k1"));

        Assert.Equal(LoginVerdict.Accepted, check.Verdict);
        Assert.Equal(1, jwks.Requests);
        var loaded = Assert.Single(services.Logs.Entries, entry => entry.EventName == "TokenKeysLoaded");
        Assert.Equal("Herald.Auth.Tokens", loaded.Category);
        Assert.Contains($"from {jwks.Url}: 1 (key 'k1', a 2048-bit RSA key)", loaded.Message, StringComparison.Ordinal);
        await refresher.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task CheckAsync_UnknownKidNowPublished_FetchesOnceAndAccepts()
    {
        await using var jwks = await JwksServer.StartAsync(Jwks.Of(Jwks.Rsa(_first, "k1")));
        await using var services = await StartedAsync(jwks);
        jwks.Document = Jwks.Of(Jwks.Rsa(_first, "k1"), Jwks.Rsa(_second, "k2"));
        services.Time.Advance(HeraldTokenOptions.DefaultJwksMinRefreshInterval);

        var check = await services.CheckAsync(Token(_second, "k2"));

        Assert.Equal(LoginVerdict.Accepted, check.Verdict);
        Assert.Equal(2, jwks.Requests);
        Assert.Contains(services.Logs.Entries, entry => entry.EventName == "TokenKeyUnknown" && entry.Message.Contains("(kid k2)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckAsync_UnknownKidNotPublished_FetchesOnceThenRefuses()
    {
        await using var jwks = await JwksServer.StartAsync(Jwks.Of(Jwks.Rsa(_first, "k1")));
        await using var services = await StartedAsync(jwks);
        services.Time.Advance(HeraldTokenOptions.DefaultJwksMinRefreshInterval);

        var check = await services.CheckAsync(Token(_second, "k2"));

        Assert.Equal(LoginVerdict.InvalidToken, check.Verdict);
        Assert.Equal("token key ID is not known", check.Reason);
        Assert.Contains("kid 'k2'", check.Detail, StringComparison.Ordinal);
        Assert.Equal(2, jwks.Requests);
    }

    [Fact]
    public async Task CheckAsync_UnknownKidsWithinTheMinRefreshInterval_FetchAtMostOncePerInterval()
    {
        await using var jwks = await JwksServer.StartAsync(Jwks.Of(Jwks.Rsa(_first, "k1")));
        await using var services = await StartedAsync(jwks);

        // Right after the load at start: no fetch, however many made-up kids arrive.
        var early = await services.CheckAsync(Token(_second, "made-up-1"));
        await services.CheckAsync(Token(_second, "made-up-2"));
        var requestsWithinInterval = jwks.Requests;
        services.Time.Advance(HeraldTokenOptions.DefaultJwksMinRefreshInterval);
        await services.CheckAsync(Token(_second, "made-up-3"));
        await services.CheckAsync(Token(_second, "made-up-4"));

        Assert.Equal("token key ID is not known", early.Reason);
        Assert.Equal(1, requestsWithinInterval);
        Assert.Equal(2, jwks.Requests);
    }

    [Fact]
    public async Task CheckAsync_ManyTokensWithANewKidAtOnce_ShareOneFetch()
    {
        await using var jwks = await JwksServer.StartAsync(Jwks.Of(Jwks.Rsa(_first, "k1")));
        await using var services = await StartedAsync(jwks);
        jwks.Document = Jwks.Of(Jwks.Rsa(_second, "k2"));
        services.Time.Advance(HeraldTokenOptions.DefaultJwksMinRefreshInterval);
        var token = Token(_second, "k2");

        var checks = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => services.CheckAsync(token), TestContext.Current.CancellationToken)));

        Assert.All(checks, check => Assert.Equal(LoginVerdict.Accepted, check.Verdict));
        Assert.Equal(2, jwks.Requests);
    }

    [Fact]
    public async Task CheckAsync_JwksNeverLoaded_UnavailableUntilAFetchSucceeds()
    {
        await using var jwks = await JwksServer.StartAsync(Jwks.Of(Jwks.Rsa(_first, "k1")));
        jwks.Status = StatusCodes.Status503ServiceUnavailable;
        await using var services = TokenServices.Create(tokens => tokens.JwksUrl = jwks.Url.ToString());
        var token = Token(_first, "k1");

        var whileDown = await services.CheckAsync(token);
        var retriedAtOnce = await services.CheckAsync(token);
        jwks.Status = StatusCodes.Status200OK;
        services.Time.Advance(HeraldTokenOptions.DefaultJwksMinRefreshInterval);
        var afterRecovery = await services.CheckAsync(token);

        Assert.Equal(LoginVerdict.Unavailable, whileDown.Verdict);
        Assert.Equal("token keys are not loaded yet; try again later", whileDown.Reason);
        Assert.Equal(HeraldCloseCodes.AuthUnavailable, whileDown.CloseCode);
        Assert.Equal(LoginVerdict.Unavailable, retriedAtOnce.Verdict);
        Assert.Equal(LoginVerdict.Accepted, afterRecovery.Verdict);
        Assert.Equal(2, jwks.Requests);
        var failed = Assert.Single(services.Logs.Entries, entry => entry.EventName == "TokenKeysLoadFailed");
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Contains("503 (Service Unavailable)", failed.Message, StringComparison.Ordinal);
        Assert.EndsWith("tokens that need its keys are refused with 4013 until it loads", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_JwksUrlDown_StartsAndRetriesAfterTheMinRefreshInterval()
    {
        await using var jwks = await JwksServer.StartAsync(Jwks.Of(Jwks.Rsa(_first, "k1")));
        jwks.Status = StatusCodes.Status500InternalServerError;
        await using var services = TokenServices.Create(tokens => tokens.JwksUrl = jwks.Url.ToString());
        using var refresher = services.CreateRefresher();

        await refresher.StartAsync(TestContext.Current.CancellationToken);
        jwks.Status = StatusCodes.Status200OK;
        services.Time.Advance(HeraldTokenOptions.DefaultJwksMinRefreshInterval);
        await Eventually.TrueAsync(() => services.Logs.Contains("TokenKeysLoaded"), "the retry to load the keys");

        Assert.Equal(2, jwks.Requests);
        Assert.Equal(LoginVerdict.Accepted, (await services.CheckAsync(Token(_first, "k1"))).Verdict);
        await refresher.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Refresher_EveryRefreshInterval_LoadsTheRotatedKeys()
    {
        await using var jwks = await JwksServer.StartAsync(Jwks.Of(Jwks.Rsa(_first, "k1")));
        await using var services = TokenServices.Create(tokens => tokens.JwksUrl = jwks.Url.ToString());
        using var refresher = services.CreateRefresher();
        await refresher.StartAsync(TestContext.Current.CancellationToken);
        jwks.Document = Jwks.Of(Jwks.Rsa(_second, "k2"));

        services.Time.Advance(HeraldTokenOptions.DefaultJwksRefreshInterval);
        await Eventually.TrueAsync(() => services.Keys.Current.KnowsKeyId("k2"), "the scheduled refresh to load k2");
        var now = services.Time.GetUtcNow();
        var rotatedIn = await services.CheckAsync(Token(_second, "k2", now));
        var rotatedOut = await services.CheckAsync(Token(_first, "k1", now));

        Assert.Equal(LoginVerdict.Accepted, rotatedIn.Verdict);
        Assert.Equal("token key ID is not known", rotatedOut.Reason);
        Assert.Equal(2, jwks.Requests);
        await refresher.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Refresher_RefreshFails_KeepsTheKeysItHas()
    {
        await using var jwks = await JwksServer.StartAsync(Jwks.Of(Jwks.Rsa(_first, "k1")));
        await using var services = TokenServices.Create(tokens => tokens.JwksUrl = jwks.Url.ToString());
        using var refresher = services.CreateRefresher();
        await refresher.StartAsync(TestContext.Current.CancellationToken);
        jwks.Document = "<html>maintenance</html>";

        services.Time.Advance(HeraldTokenOptions.DefaultJwksRefreshInterval);
        await Eventually.TrueAsync(() => services.Logs.Contains("TokenKeysLoadFailed"), "the scheduled refresh to fail");

        Assert.Equal(LoginVerdict.Accepted, (await services.CheckAsync(Token(_first, "k1", services.Time.GetUtcNow()))).Verdict);
        var failed = Assert.Single(services.Logs.Entries, entry => entry.EventName == "TokenKeysLoadFailed");
        Assert.Contains("is not a JSON Web Key Set", failed.Message, StringComparison.Ordinal);
        Assert.EndsWith("the keys loaded before stay in use", failed.Message, StringComparison.Ordinal);
        await refresher.StopAsync(TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData(0, 3600)]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(7, 1920)]
    [InlineData(8, 3600)]
    [InlineData(1000, 3600)]
    public void DelayAfter_FailuresInARow_DoublesFromTheMinimumUpToTheInterval(int failures, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), TokenKeyRefresher.DelayAfter(new HeraldTokenOptions(), failures));
    }

    [Fact]
    public async Task CheckAsync_JwksFile_ReadsItAtStartAndAgainForAnUnknownKid()
    {
        var path = _files.Write("jwks.json", Jwks.Of(Jwks.Rsa(_first, "k1")));
        await using var services = TokenServices.Create(tokens => tokens.JwksFile = path);
        using var refresher = services.CreateRefresher();
        await refresher.StartAsync(TestContext.Current.CancellationToken);

        var first = await services.CheckAsync(Token(_first, "k1"));
        _files.Write("jwks.json", Jwks.Of(Jwks.Rsa(_first, "k1"), Jwks.Rsa(_second, "k2")));
        services.Time.Advance(HeraldTokenOptions.DefaultJwksMinRefreshInterval);
        var second = await services.CheckAsync(Token(_second, "k2"));

        Assert.Equal(LoginVerdict.Accepted, first.Verdict);
        Assert.Equal(LoginVerdict.Accepted, second.Verdict);
        Assert.Equal(2, services.Logs.Entries.Count(entry => entry.EventName == "TokenKeysLoaded"));
        await refresher.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task CheckAsync_JwksEcAndPinnedRsaKeys_AcceptOnlyTheirOwnAlgorithms()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var path = _files.Write("jwks.json", Jwks.Of(Jwks.Rsa(_first, "rs", alg: "RS256"), Jwks.Ec(ecdsa, "ec", "P-384")));
        await using var services = TokenServices.Create(tokens => tokens.JwksFile = path);

        var ec = await services.CheckAsync(TestTokens.Mint(new ECDsaSecurityKey(ecdsa) { KeyId = "ec" }, SecurityAlgorithms.EcdsaSha384));
        var rs256 = await services.CheckAsync(Token(_first, "rs"));
        var ps256 = await services.CheckAsync(TestTokens.Mint(Jwks.SigningKey(_first, "rs"), SecurityAlgorithms.RsaSsaPssSha256));

        Assert.Equal(LoginVerdict.Accepted, ec.Verdict);
        Assert.Equal(LoginVerdict.Accepted, rs256.Verdict);
        Assert.Equal("token algorithm is not accepted", ps256.Reason);
    }

    [Fact]
    public async Task Load_KeysHeraldCannotUse_SkipsAndLogsEachKeepingTheRest()
    {
        using var small = RSA.Create(1024);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var encryption = Jwks.Rsa(_second, "enc-key", use: "enc");
        var mismatched = Jwks.Ec(p256, "ec-384?", "P-256");
        mismatched["alg"] = "ES384";
        var path = _files.Write("jwks.json", Jwks.Of(
            Jwks.Rsa(_first, "good"), Jwks.Oct(TestTokens.Secret(), "shared"), encryption, Jwks.Rsa(small, "small"), mismatched));
        await using var services = TokenServices.Create(tokens => tokens.JwksFile = path);

        var check = await services.CheckAsync(Token(_first, "good"));

        Assert.Equal(LoginVerdict.Accepted, check.Verdict);
        var skipped = services.Logs.Entries.Where(entry => entry.EventName == "TokenKeySkipped").Select(entry => entry.Message).ToList();
        Assert.Equal(4, skipped.Count);
        Assert.Contains(skipped, message => message.EndsWith("key 'shared' is a shared secret ('oct'), which a key set must not publish; set Herald:Tokens:Secret instead", StringComparison.Ordinal));
        Assert.Contains(skipped, message => message.EndsWith("key 'enc-key' is for use 'enc', not 'sig'", StringComparison.Ordinal));
        Assert.Contains(skipped, message => message.EndsWith("key 'small' is a 1024-bit RSA key; at least 2048 bits are required", StringComparison.Ordinal));
        Assert.Contains(skipped, message => message.EndsWith("key 'ec-384?' is a P-256 key for alg 'ES384'; that curve signs ES256 only", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckAsync_NoKidAgainstAJwks_TriesEveryKey()
    {
        var path = _files.Write("jwks.json", Jwks.Of(Jwks.Rsa(_first, "k1"), Jwks.Rsa(_second, "k2")));
        await using var services = TokenServices.Create(tokens => tokens.JwksFile = path);

        var check = await services.CheckAsync(TestTokens.Mint(new RsaSecurityKey(_second), SecurityAlgorithms.RsaSha256));

        Assert.Equal(LoginVerdict.Accepted, check.Verdict);
    }

    private static string Token(RSA rsa, string kid, DateTimeOffset? issuedAt = null) =>
        TestTokens.Mint(Jwks.SigningKey(rsa, kid), SecurityAlgorithms.RsaSha256, issuedAt: issuedAt);

    /// <summary>Services with <paramref name="jwks"/> as their JWKS URL, its keys loaded as at start.</summary>
    private static async Task<TokenServices> StartedAsync(JwksServer jwks)
    {
        var services = TokenServices.Create(tokens => tokens.JwksUrl = jwks.Url.ToString());
        Assert.True(await services.Keys.LoadAsync());
        Assert.Equal(1, jwks.Requests);
        return services;
    }
}
