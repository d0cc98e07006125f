using System.Security.Cryptography;
using Herald.Hosting;
using Herald.Tests.Auth;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace Herald.Tests.Hosting;

/// <summary>Herald:Tokens checked at start: each broken rule, with the message an operator reads.</summary>
public sealed class TokenOptionsValidationTests : IDisposable
{
    private readonly KeyFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Start_ShortSecret_FailsNamingTheKeyAndTheMinimum()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => HeraldTestServer.StartAsync(o => o.Tokens.Secret = "too short"));

        Assert.Equal("Herald:Tokens:Secret must be at least 32 bytes of UTF-8 (was 9); HS384 needs 48 and HS512 64.", Assert.Single(failure.Failures));
    }

    [Fact]
    public void Validate_DefaultsWithoutKeys_Succeed()
    {
        Assert.True(Validate(_ => { }).Succeeded);
    }

    [Fact]
    public void Validate_SecretOf32Bytes_Succeeds()
    {
        Assert.True(Validate(tokens => tokens.Secret = new string('s', 32)).Succeeded);
    }

    [Fact]
    public void Validate_BadBase64Secrets_FailSayingWhy()
    {
        Assert.Equal(["Herald:Tokens:SecretBase64 is not valid base64."], Validate(tokens => tokens.SecretBase64 = "not base64!").Failures);
        Assert.Equal(
            ["Herald:Tokens:SecretBase64 must be at least 32 bytes once decoded (was 16); HS384 needs 48 and HS512 64."],
            Validate(tokens => tokens.SecretBase64 = Convert.ToBase64String(new byte[16])).Failures);
    }

    [Fact]
    public void Validate_BothSecrets_FailsAskingForOne()
    {
        var result = Validate(tokens =>
        {
            tokens.Secret = new string('s', 32);
            tokens.SecretBase64 = Convert.ToBase64String(new byte[32]);
        });

        Assert.Equal(["Herald:Tokens:Secret and Herald:Tokens:SecretBase64 are both set; set one."], result.Failures);
    }

    [Fact]
    public void Validate_PemFilesThatCannotBeUsed_FailNamingEachFile()
    {
        using var rsa = RSA.Create(2048);
        using var small = RSA.Create(1024);
        var missing = Path.Combine(_files.Folder, "missing.pem");
        var privateKey = _files.Write("private.pem", rsa.ExportPkcs8PrivateKeyPem());
        var notPem = _files.Write("not.pem", "just text");
        var twoKeys = _files.Write("two.pem", rsa.ExportSubjectPublicKeyInfoPem() + "\n" + small.ExportSubjectPublicKeyInfoPem());
        var weak = _files.Write("weak.pem", small.ExportSubjectPublicKeyInfoPem());
        var otherLabel = _files.Write("csr.pem", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n");

        var failures = Validate(tokens =>
        {
            foreach (var path in (string[])[missing, privateKey, notPem, twoKeys, weak, otherLabel, " "])
            {
                tokens.PublicKeyFiles.Add(path);
            }
        }).Failures!.ToList();

        Assert.Equal(7, failures.Count);
        Assert.StartsWith($"Herald:Tokens:PublicKeyFiles:0: {missing} cannot be read (", failures[0], StringComparison.Ordinal);
        Assert.Equal($"Herald:Tokens:PublicKeyFiles:1: {privateKey} holds a private key; give only its public key (openssl pkey -in key.pem -pubout).", failures[1]);
        Assert.Equal($"Herald:Tokens:PublicKeyFiles:2: {notPem} holds no PEM block (-----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE-----).", failures[2]);
        Assert.Equal($"Herald:Tokens:PublicKeyFiles:3: {twoKeys} holds 2 PEM blocks; give one public key per file.", failures[3]);
        Assert.Equal($"Herald:Tokens:PublicKeyFiles:4: {weak} is a 1024-bit RSA key; at least 2048 bits are required.", failures[4]);
        Assert.Equal($"Herald:Tokens:PublicKeyFiles:5: {otherLabel} holds a 'CERTIFICATE REQUEST' block, not a PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE.", failures[5]);
        Assert.Equal("Herald:Tokens:PublicKeyFiles:6 is empty.", failures[6]);
    }

    [Fact]
    public void Validate_RelativePemPath_IsResolvedAgainstTheContentRoot()
    {
        var result = Validate(tokens => tokens.PublicKeyFiles.Add("keys/issuer.pem"));

        Assert.StartsWith($"Herald:Tokens:PublicKeyFiles:0: {Path.Combine(_files.Folder, "keys", "issuer.pem")} cannot be read (", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_JwksFilesThatCannotBeUsed_FailNamingTheFile()
    {
        var notJson = _files.Write("broken.json", "{ not json");
        var onlySecret = _files.Write("secret.json", Jwks.Of(Jwks.Oct(TestTokens.Secret(), "shared")));
        var empty = _files.Write("empty.json", """{"keys":[]}""");

        Assert.StartsWith($"Herald:Tokens:JwksFile: {notJson} is not a JSON Web Key Set (", Assert.Single(Validate(tokens => tokens.JwksFile = notJson).Failures!), StringComparison.Ordinal);
        Assert.Equal(
            [$"Herald:Tokens:JwksFile: {onlySecret} holds no usable signing key (key 'shared' is a shared secret ('oct'), which a key set must not publish; set Herald:Tokens:Secret instead)."],
            Validate(tokens => tokens.JwksFile = onlySecret).Failures);
        Assert.Equal([$"Herald:Tokens:JwksFile: {empty} holds no key."], Validate(tokens => tokens.JwksFile = empty).Failures);
        Assert.StartsWith("Herald:Tokens:JwksFile: ", Assert.Single(Validate(tokens => tokens.JwksFile = "absent.json").Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/.well-known/jwks.json", "Herald:Tokens:JwksUrl must be an absolute https URL (was '/.well-known/jwks.json').")]
    [InlineData("http://idp.example/jwks", "Herald:Tokens:JwksUrl must use https; http is allowed only to a loopback address (was 'http://idp.example/jwks').")]
    [InlineData("ftp://idp.example/jwks", "Herald:Tokens:JwksUrl must use https; http is allowed only to a loopback address (was 'ftp://idp.example/jwks').")]
    [InlineData("file:///etc/jwks.json", "Herald:Tokens:JwksUrl must use https; http is allowed only to a loopback address (was 'file:///etc/jwks.json').")]
    [InlineData("idp.example/jwks", "Herald:Tokens:JwksUrl must be an absolute https URL (was 'idp.example/jwks').")]
    public void Validate_UnacceptableJwksUrl_FailsSayingWhatIsAccepted(string url, string message)
    {
        Assert.Equal([message], Validate(tokens => tokens.JwksUrl = url).Failures);
    }

    [Theory]
    [InlineData("https://idp.example/.well-known/jwks.json")]
    [InlineData("http://127.0.0.1:8080/jwks")]
    [InlineData("http://localhost/jwks")]
    [InlineData("http://[::1]/jwks")]
    public void Validate_HttpsOrLoopbackJwksUrl_Succeeds(string url)
    {
        Assert.True(Validate(tokens => tokens.JwksUrl = url).Succeeded);
    }

    [Fact]
    public void Validate_JwksFileAndUrl_FailsAskingForOne()
    {
        var result = Validate(tokens =>
        {
            tokens.JwksFile = "jwks.json";
            tokens.JwksUrl = "https://idp.example/jwks";
        });

        Assert.Equal(["Herald:Tokens:JwksFile and Herald:Tokens:JwksUrl are both set; set one."], result.Failures);
    }

    [Fact]
    public void Validate_DurationsOutOfRange_FailNamingEachKeyAndRange()
    {
        var failures = Validate(tokens =>
        {
            tokens.JwksRefreshInterval = TimeSpan.FromSeconds(10);
            tokens.JwksMinRefreshInterval = TimeSpan.FromMinutes(2);
            tokens.ClockSkew = TimeSpan.FromMinutes(10);
            tokens.RefreshNotice = TimeSpan.Zero;
        }).Failures;

        Assert.Equal(
            [
                "Herald:Tokens:JwksRefreshInterval must be a duration from 00:01:00 to 1.00:00:00, written like 00:00:30 (was 00:00:10; note that a bare number such as 10 means days).",
                "Herald:Tokens:JwksMinRefreshInterval (00:02:00) must not be longer than Herald:Tokens:JwksRefreshInterval (00:00:10).",
                "Herald:Tokens:ClockSkew must be a duration from 00:00:00 to 00:05:00, written like 00:00:30 (was 00:10:00; note that a bare number such as 10 means days).",
                "Herald:Tokens:RefreshNotice must be a duration from 00:00:01 to 01:00:00, written like 00:00:30 (was 00:00:00; note that a bare number such as 10 means days).",
            ],
            failures);
    }

    [Fact]
    public void Validate_ChecksWithoutAKey_FailAsProbablyMisspelt()
    {
        var failures = Validate(tokens =>
        {
            tokens.Issuer = "https://idp.example";
            tokens.ValidAudiences.Add("herald");
            tokens.ValidAudiences.Add("");
        }).Failures;

        Assert.Equal(
            [
                "Herald:Tokens:Issuer is set but no token key is: set Herald:Tokens:Secret, SecretBase64, PublicKeyFiles, JwksFile or JwksUrl.",
                "Herald:Tokens:ValidAudiences:1 is empty.",
                "Herald:Tokens:ValidAudiences is set but no token key is: set Herald:Tokens:Secret, SecretBase64, PublicKeyFiles, JwksFile or JwksUrl.",
            ],
            failures);
    }

    [Fact]
    public void Validate_EmptyTopicsClaim_Fails()
    {
        Assert.Equal(["Herald:Tokens:TopicsClaim must name a claim (default \"topics\")."], Validate(tokens => tokens.TopicsClaim = " ").Failures);
    }

    private ValidateOptionsResult Validate(Action<HeraldTokenOptions> configure)
    {
        var options = new HeraldOptions();
        configure(options.Tokens);
        return new HeraldTokenOptionsValidator(new HostingEnvironment { ContentRootPath = _files.Folder }).Validate(null, options);
    }
}
