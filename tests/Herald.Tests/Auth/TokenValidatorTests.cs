using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Herald.Protocol;
using Microsoft.IdentityModel.Tokens;

namespace Herald.Tests.Auth;

/// <summary>
/// The token check with configured keys (secrets and PEM files): each algorithm family, the lifetime on a fake clock,
/// signatures, issuer and audience, the refusals of unsigned and confused tokens, and the claims that become the
/// connection's identity.
/// </summary>
public sealed class TokenValidatorTests : IDisposable
{
    private static readonly string[] OrdersAndNews = ["orders:*", "news"];
    private static readonly string[] Alerts = ["alerts"];
    private static readonly string[] EveryTopic = ["*"];

    private readonly KeyFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("HS256")]
    [InlineData("HS384")]
    [InlineData("HS512")]
    public async Task CheckAsync_HmacTokenWithLongEnoughSecret_AcceptsItsSubAndExpiry(string algorithm)
    {
        var secret = TestTokens.Secret(64);
        await using var services = TokenServices.Create(tokens => tokens.SecretBase64 = Convert.ToBase64String(secret));

        var check = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(secret), algorithm));

        Assert.Equal(LoginVerdict.Accepted, check.Verdict);
        // Accepted until exp plus the clock skew (30 s by default), so the connection may live that long.
        Assert.Equal(new ConnectionIdentity("ada", TopicGrants.None, TestTokens.Now.AddMinutes(10).AddSeconds(30), IdentitySource.Token), check.Identity);
    }

    [Fact]
    public async Task CheckAsync_TextSecret_VerifiesWithItsUtf8Bytes()
    {
        const string Secret = "ünïcödé shared secret, 32+ bytes long";
        await using var services = TokenServices.Create(tokens => tokens.Secret = Secret);

        var check = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Secret)), SecurityAlgorithms.HmacSha256));

        Assert.Equal(LoginVerdict.Accepted, check.Verdict);
    }

    [Theory]
    [InlineData(32, "HS384", "SHA384")]
    [InlineData(32, "HS512", "SHA512")]
    [InlineData(48, "HS512", "SHA512")]
    public async Task CheckAsync_HmacAlgorithmWithLongerHashThanTheSecret_RefusesTheAlgorithm(int secretBytes, string algorithm, string hash)
    {
        var secret = TestTokens.Secret(secretBytes);
        await using var services = TokenServices.Create(tokens => tokens.SecretBase64 = Convert.ToBase64String(secret));

        // IdentityModel will not sign with a secret this short (RFC 7518, section 3.2), so the token is made by hand.
        var check = await services.CheckAsync(TestTokens.HandMade($$"""{"alg":"{{algorithm}}","typ":"JWT"}""", TestTokens.Payload(), secret, hash));

        Assert.Equal(LoginVerdict.InvalidToken, check.Verdict);
        Assert.Equal("token algorithm is not accepted", check.Reason);
        Assert.Contains($"alg '{algorithm}'", check.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("RS384")]
    [InlineData("RS512")]
    [InlineData("PS256")]
    [InlineData("PS384")]
    [InlineData("PS512")]
    public async Task CheckAsync_RsaTokenAndPublicKeyPem_Accepts(string algorithm)
    {
        using var rsa = RSA.Create(2048);
        var pem = _files.Write("rsa.pem", rsa.ExportSubjectPublicKeyInfoPem());
        await using var services = TokenServices.Create(tokens => tokens.PublicKeyFiles.Add(pem));

        var check = await services.CheckAsync(TestTokens.Mint(new RsaSecurityKey(rsa), algorithm));

        Assert.Equal(LoginVerdict.Accepted, check.Verdict);
        Assert.Equal("ada", check.Identity!.UserId);
    }

    [Fact]
    public async Task CheckAsync_Pkcs1RsaPemAtARelativePath_ReadsItFromTheContentRoot()
    {
        using var rsa = RSA.Create(3072);
        _files.Write("issuer-rsa.pem", rsa.ExportRSAPublicKeyPem());
        await using var services = TokenServices.Create(tokens => tokens.PublicKeyFiles.Add("issuer-rsa.pem"), contentRoot: _files.Folder);

        var check = await services.CheckAsync(TestTokens.Mint(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256));

        Assert.Equal(LoginVerdict.Accepted, check.Verdict);
    }

    [Theory]
    [InlineData("P-256", "ES256")]
    [InlineData("P-384", "ES384")]
    [InlineData("P-521", "ES512")]
    public async Task CheckAsync_EcTokenAndPublicKeyPem_Accepts(string curve, string algorithm)
    {
        using var ecdsa = ECDsa.Create(Curve(curve));
        var pem = _files.Write("ec.pem", ecdsa.ExportSubjectPublicKeyInfoPem());
        await using var services = TokenServices.Create(tokens => tokens.PublicKeyFiles.Add(pem));

        var check = await services.CheckAsync(TestTokens.Mint(new ECDsaSecurityKey(ecdsa), algorithm));

        Assert.Equal(LoginVerdict.Accepted, check.Verdict);
    }

    [Fact]
    public async Task CheckAsync_Es384TokenFromAP256Key_RefusesTheAlgorithm()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = _files.Write("ec.pem", ecdsa.ExportSubjectPublicKeyInfoPem());
        await using var services = TokenServices.Create(tokens => tokens.PublicKeyFiles.Add(pem));

        var check = await services.CheckAsync(TestTokens.Mint(new ECDsaSecurityKey(ecdsa), SecurityAlgorithms.EcdsaSha384));

        Assert.Equal(LoginVerdict.InvalidToken, check.Verdict);
        Assert.Equal("token algorithm is not accepted", check.Reason);
    }

    [Fact]
    public async Task CheckAsync_AlgorithmOfAnotherConfiguredKey_NotVerifiedByThisOne()
    {
        // ES384 is accepted (for the P-384 key), but the P-256 key that signed it is pinned to ES256.
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var first = _files.Write("p256.pem", p256.ExportSubjectPublicKeyInfoPem());
        var second = _files.Write("p384.pem", p384.ExportSubjectPublicKeyInfoPem());
        await using var services = TokenServices.Create(tokens =>
        {
            tokens.PublicKeyFiles.Add(first);
            tokens.PublicKeyFiles.Add(second);
        });

        var check = await services.CheckAsync(TestTokens.Mint(new ECDsaSecurityKey(p256), SecurityAlgorithms.EcdsaSha384));

        Assert.Equal(LoginVerdict.InvalidToken, check.Verdict);
        Assert.Equal("token signature is not valid", check.Reason);
    }

    [Fact]
    public async Task CheckAsync_CertificatePems_AcceptTokensOfTheirRsaAndEcKeys()
    {
        using var rsa = RSA.Create(2048);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsaCertificate = new CertificateRequest("CN=issuer-rsa", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(TestTokens.Now.AddDays(-1), TestTokens.Now.AddDays(30));
        using var ecCertificate = new CertificateRequest("CN=issuer-ec", ecdsa, HashAlgorithmName.SHA256)
            .CreateSelfSigned(TestTokens.Now.AddDays(-1), TestTokens.Now.AddDays(30));
        var rsaPem = _files.Write("rsa.crt", rsaCertificate.ExportCertificatePem());
        var ecPem = _files.Write("ec.crt", ecCertificate.ExportCertificatePem());
        await using var services = TokenServices.Create(tokens =>
        {
            tokens.PublicKeyFiles.Add(rsaPem);
            tokens.PublicKeyFiles.Add(ecPem);
        });

        Assert.Equal(LoginVerdict.Accepted, (await services.CheckAsync(TestTokens.Mint(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSsaPssSha256))).Verdict);
        Assert.Equal(LoginVerdict.Accepted, (await services.CheckAsync(TestTokens.Mint(new ECDsaSecurityKey(ecdsa), SecurityAlgorithms.EcdsaSha256))).Verdict);
    }

    [Fact]
    public async Task CheckAsync_ExpiredToken_ExpiredWithItsExpiryInTheReason()
    {
        var secret = TestTokens.Secret();
        await using var services = HmacServices(secret);

        var check = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256, token =>
        {
            token.IssuedAt = TestTokens.Now.AddMinutes(-11).UtcDateTime;
            token.Expires = TestTokens.Now.AddMinutes(-1).UtcDateTime;
        }));

        Assert.Equal(LoginVerdict.Expired, check.Verdict);
        Assert.Equal("token expired at 2026-12-02T09:59:00Z", check.Reason);
        Assert.Equal(HeraldCloseCodes.TokenExpired, check.CloseCode);
    }

    [Theory]
    [InlineData(0, "Accepted")]
    [InlineData(30, "Accepted")]
    [InlineData(31, "Expired")]
    public async Task CheckAsync_PastExpiry_AcceptedWithinTheDefaultClockSkewOnly(int secondsPastExpiry, string verdict)
    {
        var secret = TestTokens.Secret();
        await using var services = HmacServices(secret);
        var token = TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256, token =>
        {
            token.IssuedAt = TestTokens.Now.AddMinutes(-10).UtcDateTime;
            token.Expires = TestTokens.Now.UtcDateTime;
        });

        services.Time.Advance(TimeSpan.FromSeconds(secondsPastExpiry));

        Assert.Equal(Enum.Parse<LoginVerdict>(verdict), (await services.CheckAsync(token)).Verdict);
    }

    [Theory]
    [InlineData(30, "Accepted")]
    [InlineData(31, "InvalidToken")]
    public async Task CheckAsync_NotYetValid_AcceptedWithinTheDefaultClockSkewOnly(int secondsUntilValid, string verdict)
    {
        var secret = TestTokens.Secret();
        await using var services = HmacServices(secret);

        var check = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256,
            token => token.NotBefore = TestTokens.Now.AddSeconds(secondsUntilValid).UtcDateTime));

        Assert.Equal(Enum.Parse<LoginVerdict>(verdict), check.Verdict);
        if (check.Verdict != LoginVerdict.Accepted)
        {
            Assert.Equal("token is not valid before 2026-12-02T10:00:31Z", check.Reason);
        }
    }

    [Theory]
    [InlineData(0, "Accepted")]
    [InlineData(1, "Expired")]
    public async Task CheckAsync_ZeroClockSkew_ExpiresExactlyAtExp(int secondsPastExpiry, string verdict)
    {
        var secret = TestTokens.Secret();
        await using var services = TokenServices.Create(tokens =>
        {
            tokens.SecretBase64 = Convert.ToBase64String(secret);
            tokens.ClockSkew = TimeSpan.Zero;
        });
        var token = TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256, token =>
        {
            token.IssuedAt = TestTokens.Now.AddMinutes(-10).UtcDateTime;
            token.Expires = TestTokens.Now.UtcDateTime;
        });

        services.Time.Advance(TimeSpan.FromSeconds(secondsPastExpiry));

        Assert.Equal(Enum.Parse<LoginVerdict>(verdict), (await services.CheckAsync(token)).Verdict);
    }

    [Fact]
    public async Task CheckAsync_NotBeforeAfterExpiry_RefusesTheLifetime()
    {
        var secret = TestTokens.Secret();
        await using var services = HmacServices(secret);

        var check = await services.CheckAsync(TestTokens.HandMade(
            """{"alg":"HS256","typ":"JWT"}""",
            TestTokens.Payload(("nbf", TestTokens.Now.AddMinutes(20).ToUnixTimeSeconds())),
            secret));

        Assert.Equal(LoginVerdict.InvalidToken, check.Verdict);
        Assert.Equal("token nbf is after its exp", check.Reason);
    }

    [Fact]
    public async Task CheckAsync_SignedByAnotherKey_RefusesTheSignature()
    {
        using var configured = RSA.Create(2048);
        using var other = RSA.Create(2048);
        var pem = _files.Write("rsa.pem", configured.ExportSubjectPublicKeyInfoPem());
        await using var services = TokenServices.Create(tokens => tokens.PublicKeyFiles.Add(pem));

        var check = await services.CheckAsync(TestTokens.Mint(new RsaSecurityKey(other), SecurityAlgorithms.RsaSha256));

        Assert.Equal(LoginVerdict.InvalidToken, check.Verdict);
        Assert.Equal("token signature is not valid", check.Reason);
        Assert.Equal(HeraldCloseCodes.InvalidToken, check.CloseCode);
    }

    [Fact]
    public async Task CheckAsync_PayloadSwappedUnderAValidSignature_RefusesTheSignature()
    {
        var secret = TestTokens.Secret();
        await using var services = HmacServices(secret);
        var ada = TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256).Split('.');
        var eve = TestTokens.Mint(new SymmetricSecurityKey(TestTokens.Secret()), SecurityAlgorithms.HmacSha256, token => token.Claims["sub"] = "eve").Split('.');

        var check = await services.CheckAsync($"{ada[0]}.{eve[1]}.{ada[2]}");

        Assert.Equal(LoginVerdict.InvalidToken, check.Verdict);
        Assert.Equal("token signature is not valid", check.Reason);
    }

    [Theory]
    [InlineData("https://idp.example", "herald", "Accepted", "")]
    [InlineData("https://other.example", "herald", "InvalidToken", "token issuer is not accepted")]
    [InlineData(null, "herald", "InvalidToken", "token issuer is not accepted")]
    [InlineData("https://idp.example", "another-app", "InvalidToken", "token audience is not accepted")]
    [InlineData("https://idp.example", null, "InvalidToken", "token audience is not accepted")]
    public async Task CheckAsync_IssuerAndAudienceConfigured_AcceptsOnlyThoseNamed(string? issuer, string? audience, string verdict, string reason)
    {
        var secret = TestTokens.Secret();
        await using var services = TokenServices.Create(tokens =>
        {
            tokens.SecretBase64 = Convert.ToBase64String(secret);
            tokens.Issuer = "https://idp.example";
            tokens.Audience = "herald";
        });

        var check = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256, token =>
        {
            token.Issuer = issuer;
            token.Audience = audience;
        }));

        Assert.Equal(Enum.Parse<LoginVerdict>(verdict), check.Verdict);
        Assert.Equal(reason, check.Reason);
    }

    [Fact]
    public async Task CheckAsync_ValidIssuersAndAudiencesLists_AcceptAnyOfThem()
    {
        var secret = TestTokens.Secret();
        await using var services = TokenServices.Create(tokens =>
        {
            tokens.SecretBase64 = Convert.ToBase64String(secret);
            tokens.Issuer = "https://idp.example";
            tokens.ValidIssuers.Add("https://idp-2.example");
            tokens.ValidAudiences.Add("herald-eu");
            tokens.ValidAudiences.Add("herald-us");
        });

        var check = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256, token =>
        {
            token.Issuer = "https://idp-2.example";
            token.Audience = "herald-us";
        }));

        Assert.Equal(LoginVerdict.Accepted, check.Verdict);
    }

    [Fact]
    public async Task CheckAsync_AlgNoneWithoutSignature_RefusedAsUnsigned()
    {
        var secret = TestTokens.Secret();
        await using var services = HmacServices(secret);

        var check = await services.CheckAsync(TestTokens.HandMade("""{"alg":"none","typ":"JWT"}""", TestTokens.Payload()));

        Assert.Equal(LoginVerdict.InvalidToken, check.Verdict);
        Assert.Equal("token is not signed (alg none is refused)", check.Reason);
    }

    [Fact]
    public async Task CheckAsync_AlgNoneWithASignature_RefusesTheAlgorithm()
    {
        var secret = TestTokens.Secret();
        await using var services = HmacServices(secret);

        // Signed with the right secret, but the header says none: the alg is what decides, and none is never accepted.
        var check = await services.CheckAsync(TestTokens.HandMade("""{"alg":"none","typ":"JWT"}""", TestTokens.Payload(), secret));

        Assert.Equal(LoginVerdict.InvalidToken, check.Verdict);
        Assert.Equal("token algorithm is not accepted", check.Reason);
    }

    [Theory]
    [InlineData("pem")]
    [InlineData("der")]
    public async Task CheckAsync_HmacTokenKeyedWithTheRsaPublicKey_RefusedAsAlgorithmConfusion(string encoding)
    {
        using var rsa = RSA.Create(2048);
        var pemText = rsa.ExportSubjectPublicKeyInfoPem();
        var pem = _files.Write("rsa.pem", pemText);
        await using var services = TokenServices.Create(tokens => tokens.PublicKeyFiles.Add(pem));
        var publicKeyBytes = encoding == "pem" ? Encoding.UTF8.GetBytes(pemText) : rsa.ExportSubjectPublicKeyInfo();

        var check = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(publicKeyBytes), SecurityAlgorithms.HmacSha256));

        Assert.Equal(LoginVerdict.InvalidToken, check.Verdict);
        Assert.Equal("token algorithm is not accepted", check.Reason);
    }

    [Fact]
    public async Task CheckAsync_HmacTokenKeyedWithTheRsaPublicKeyBesideASecret_RefusesTheSignature()
    {
        using var rsa = RSA.Create(2048);
        var pemText = rsa.ExportSubjectPublicKeyInfoPem();
        var pem = _files.Write("rsa.pem", pemText);
        await using var services = TokenServices.Create(tokens =>
        {
            tokens.PublicKeyFiles.Add(pem);
            tokens.SecretBase64 = Convert.ToBase64String(TestTokens.Secret());
        });

        // HS256 is accepted here, but only the configured secret verifies it, never the RSA key's bytes.
        var check = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(pemText)), SecurityAlgorithms.HmacSha256));

        Assert.Equal(LoginVerdict.InvalidToken, check.Verdict);
        Assert.Equal("token signature is not valid", check.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("a.b.c")]
    public async Task CheckAsync_NotAJwt_RefusedAsMalformed(string token)
    {
        await using var services = HmacServices(TestTokens.Secret());

        var check = await services.CheckAsync(token);

        Assert.Equal(LoginVerdict.InvalidToken, check.Verdict);
        Assert.Equal("token is not a well-formed JWT", check.Reason);
    }

    [Fact]
    public async Task CheckAsync_EncryptedToken_Refused()
    {
        var secret = TestTokens.Secret();
        await using var services = HmacServices(secret);

        var check = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256, token =>
            token.EncryptingCredentials = new EncryptingCredentials(new SymmetricSecurityKey(TestTokens.Secret()), "dir", SecurityAlgorithms.Aes128CbcHmacSha256)));

        Assert.Equal(LoginVerdict.InvalidToken, check.Verdict);
        Assert.Equal("token is encrypted (JWE), which is not accepted", check.Reason);
    }

    [Fact]
    public async Task CheckAsync_TopicsClaimArray_GrantsItsNamesAndPrefixes()
    {
        var secret = TestTokens.Secret();
        await using var services = HmacServices(secret);

        var check = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256,
            token => token.Claims["topics"] = OrdersAndNews));

        var topics = Assert.IsType<TopicGrants>(check.Identity?.Topics);
        Assert.Equal(["news", "orders:*"], topics.Entries);
        Assert.True(topics.Allows("news"));
        Assert.True(topics.Allows("orders:eu/new"));
        Assert.False(topics.Allows("orders"));
        Assert.False(topics.Allows("newsroom"));
    }

    [Fact]
    public async Task CheckAsync_TopicsClaimSpaceSeparated_GrantsEachEntry()
    {
        var secret = TestTokens.Secret();
        await using var services = HmacServices(secret);

        var check = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256,
            token => token.Claims["topics"] = " orders:*  news "));

        Assert.Equal(["news", "orders:*"], check.Identity!.Topics!.Entries);
    }

    [Fact]
    public async Task CheckAsync_TopicsClaimStar_GrantsEveryTopic()
    {
        var secret = TestTokens.Secret();
        await using var services = HmacServices(secret);

        var check = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256,
            token => token.Claims["topics"] = "*"));

        Assert.True(check.Identity!.Topics!.Allows("anything/at:all"));
    }

    [Fact]
    public async Task CheckAsync_ConfiguredTopicsClaim_ReadsThatClaimOnly()
    {
        var secret = TestTokens.Secret();
        await using var services = TokenServices.Create(tokens =>
        {
            tokens.SecretBase64 = Convert.ToBase64String(secret);
            tokens.TopicsClaim = "herald_topics";
        });

        var check = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256, token =>
        {
            token.Claims["herald_topics"] = Alerts;
            token.Claims["topics"] = EveryTopic;
        }));

        Assert.Equal(["alerts"], check.Identity!.Topics!.Entries);
    }

    [Fact]
    public async Task CheckAsync_TopicsClaimAbsentOrNull_GrantsNone()
    {
        var secret = TestTokens.Secret();
        await using var services = HmacServices(secret);

        var absent = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256));
        var nullClaim = await services.CheckAsync(TestTokens.HandMade("""{"alg":"HS256","typ":"JWT"}""", TestTokens.Payload(("topics", null)), secret));

        Assert.Same(TopicGrants.None, absent.Identity!.Topics);
        Assert.Same(TopicGrants.None, nullClaim.Identity!.Topics);
    }

    [Fact]
    public async Task CheckAsync_TopicsClaimWithAnUnusableEntry_RefusesTheTokenSayingWhy()
    {
        var secret = TestTokens.Secret();
        await using var services = HmacServices(secret);

        var check = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256,
            token => token.Claims["topics"] = new[] { "news", "orders:*:eu", new string('x', 200) }));

        Assert.Equal(LoginVerdict.InvalidToken, check.Verdict);
        Assert.StartsWith("token topics claim grants an unusable topic pattern: topic must be 1 to 128 characters", check.Reason, StringComparison.Ordinal);
        Assert.InRange(Encoding.UTF8.GetByteCount(check.Reason), 1, 100);
        Assert.EndsWith("…", check.Reason, StringComparison.Ordinal);
        Assert.Contains("orders:*:eu", check.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""["news", 7]""")]
    [InlineData("""{"news": true}""")]
    [InlineData("42")]
    public async Task CheckAsync_TopicsClaimNeitherStringsNorAString_RefusesTheToken(string topicsJson)
    {
        var secret = TestTokens.Secret();
        await using var services = HmacServices(secret);
        var payload = TestTokens.Payload()[..^1] + $",\"topics\":{topicsJson}}}";

        var check = await services.CheckAsync(TestTokens.HandMade("""{"alg":"HS256","typ":"JWT"}""", payload, secret));

        Assert.Equal(LoginVerdict.InvalidToken, check.Verdict);
        Assert.Equal("token topics claim must be a JSON array of strings or a space-separated string", check.Reason);
    }

    [Fact]
    public async Task CheckAsync_NoSub_RefusesTheToken()
    {
        var secret = TestTokens.Secret();
        await using var services = HmacServices(secret);

        var check = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256, token => token.Claims.Remove("sub")));

        Assert.Equal(LoginVerdict.InvalidToken, check.Verdict);
        Assert.Equal("token sub is required and must not be empty", check.Reason);
    }

    [Fact]
    public async Task CheckAsync_SubLongerThanMaxUserIdLength_RefusesTheToken()
    {
        var secret = TestTokens.Secret();
        await using var services = TokenServices.Create(tokens => tokens.SecretBase64 = Convert.ToBase64String(secret), herald => herald.MaxUserIdLength = 8);

        var accepted = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256, token => token.Claims["sub"] = "abcdefgh"));
        var refused = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256, token => token.Claims["sub"] = "abcdefghi"));

        Assert.Equal(LoginVerdict.Accepted, accepted.Verdict);
        Assert.Equal(LoginVerdict.InvalidToken, refused.Verdict);
        Assert.Equal("token sub must be at most 8 characters (was 9)", refused.Reason);
    }

    [Fact]
    public async Task CheckAsync_NoExpWhileRequired_RefusesTheToken()
    {
        var secret = TestTokens.Secret();
        await using var services = HmacServices(secret);

        var check = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256, token => token.Expires = null));

        Assert.Equal(LoginVerdict.InvalidToken, check.Verdict);
        Assert.Equal("token has no exp", check.Reason);
    }

    [Fact]
    public async Task CheckAsync_NoExpWhileNotRequired_AcceptsWithoutExpiry()
    {
        var secret = TestTokens.Secret();
        await using var services = TokenServices.Create(tokens =>
        {
            tokens.SecretBase64 = Convert.ToBase64String(secret);
            tokens.RequireExpiration = false;
        });

        var check = await services.CheckAsync(TestTokens.Mint(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256, token => token.Expires = null));

        Assert.Equal(LoginVerdict.Accepted, check.Verdict);
        Assert.Null(check.Identity!.ExpiresAt);
    }

    private static TokenServices HmacServices(byte[] secret) => TokenServices.Create(tokens => tokens.SecretBase64 = Convert.ToBase64String(secret));

    private static ECCurve Curve(string name) => name switch
    {
        "P-256" => ECCurve.NamedCurves.nistP256,
        "P-384" => ECCurve.NamedCurves.nistP384,
        _ => ECCurve.NamedCurves.nistP521,
    };
}
