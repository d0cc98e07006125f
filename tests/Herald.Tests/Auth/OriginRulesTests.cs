using Herald.Auth;

namespace Herald.Tests.Auth;

public sealed class OriginRulesTests
{
    [Theory]
    [InlineData("https://app.example.com")]
    [InlineData("http://localhost:8181")]
    [InlineData("https://*.example.com")]
    [InlineData("https://[::1]:8443")]
    [InlineData("*")]
    public void Validate_UsableEntry_IsNull(string entry) => Assert.Null(OriginRules.Validate(entry));

    [Theory]
    [InlineData("")]
    [InlineData("app.example.com")]
    [InlineData("https://app.example.com/")]
    [InlineData("https://app.example.com/path")]
    [InlineData("ftp://app.example.com")]
    [InlineData("https://app.*.com")]
    [InlineData("https://*")]
    [InlineData("https://app.example.com:99999")]
    [InlineData("https://user@app.example.com")]
    public void Validate_UnusableEntry_SaysHowToWriteOne(string entry) =>
        Assert.Contains("scheme://host[:port]", OriginRules.Validate(entry), StringComparison.Ordinal);

    [Theory]
    [InlineData("HTTPS://App.Example.com:443", "https://app.example.com")]
    [InlineData("http://app.example.com:80", "http://app.example.com")]
    [InlineData("http://app.example.com:0080", "http://app.example.com")]
    [InlineData("https://app.example.com:8443", "https://app.example.com:8443")]
    public void Normalize_SpellingsOfOneOrigin_AreEqual(string origin, string expected) =>
        Assert.Equal(expected, OriginRules.Normalize(origin));

    [Theory]
    [InlineData("localhost", "80", "localhost", "http", true)]
    [InlineData("localhost", "8181", "localhost:8181", "http", true)]
    [InlineData("localhost", "443", "localhost", "https", true)]
    [InlineData("localhost", "8181", "localhost:8182", "http", false)]
    [InlineData("evil.example", "8181", "localhost:8181", "http", false)]
    [InlineData("[::1]", "8181", "[::1]:8181", "http", true)]
    public void SameAuthority_ComparesHostAndPortWithTheSchemesDefault(string originHost, string originPort, string requestHost, string scheme, bool same) =>
        Assert.Equal(same, OriginRules.SameAuthority(originHost, originPort, requestHost, scheme));
}
