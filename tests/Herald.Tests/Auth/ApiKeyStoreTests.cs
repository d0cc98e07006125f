using Herald.Auth;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Auth;

/// <summary>The one comparison of a presented key with the configured hashes.</summary>
public sealed class ApiKeyStoreTests
{
    [Fact]
    public void Find_KeyFirstMiddleOrLast_FindsItsConfiguredKey()
    {
        var store = Store("first", "middle", "last");

        Assert.Equal("first", store.Find("key-first")?.Name);
        Assert.Equal("middle", store.Find("key-middle")?.Name);
        Assert.Equal("last", store.Find("key-last")?.Name);
    }

    [Theory]
    [InlineData("key-firsu")]
    [InlineData("key-first ")]
    [InlineData("KEY-FIRST")]
    [InlineData("")]
    public void Find_NearMiss_FindsNothing(string presented)
    {
        var store = Store("first", "middle", "last");

        Assert.Null(store.Find(presented));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(257)]
    [InlineData(64 * 1024)]
    public void Find_KeyOfAnyLength_IsHashedAsItsUtf8Bytes(int length)
    {
        // Longer keys are hashed from a pooled buffer instead of the stack; both must hash the same bytes.
        var key = new string('é', length);
        var store = new ApiKeyStore(Options(("long", key)));

        Assert.Equal("long", store.Find(key)?.Name);
        Assert.Null(store.Find(key.AsSpan()[..^1]));
    }

    [Fact]
    public void Find_ComparesEveryConfiguredHash_WithFixedTimeEquals()
    {
        // Whether a comparison takes constant time cannot be measured in a unit test; the code that makes it so can
        // be read: no early exit, and the one comparison is CryptographicOperations.FixedTimeEquals.
        var source = File.ReadAllText(RepositoryFiles.PathOf("src", "Herald", "Auth", "ApiKeyStore.cs"));
        var find = source[source.IndexOf("public ApiKey? Find(", StringComparison.Ordinal)..source.IndexOf("public ApiKey? ByName(", StringComparison.Ordinal)];

        Assert.Contains("CryptographicOperations.FixedTimeEquals(hash, key.Hash)", find, StringComparison.Ordinal);
        Assert.DoesNotContain("break", find, StringComparison.Ordinal);
        Assert.Single(find.Split("return ").Skip(1));
    }

    private static ApiKeyStore Store(params string[] names) => new(Options([.. names.Select(name => (name, "key-" + name))]));

    private static HeraldOptions Options(params (string Name, string Key)[] keys)
    {
        var options = new HeraldOptions();
        foreach (var (name, key) in keys)
        {
            options.Api.Keys[name] = new HeraldApiKeyOptions { Hash = TestApiKeys.HashOf(key) };
        }

        return options;
    }
}
