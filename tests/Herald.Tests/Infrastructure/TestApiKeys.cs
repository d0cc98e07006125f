using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Herald.Tests.Infrastructure;

/// <summary>API keys for tests: their configuration keys as an operator writes them, and requests that present them.</summary>
public static class TestApiKeys
{
    /// <summary>A key of scope Publish, configured as "backend" by <see cref="Settings"/>.</summary>
    public const string Backend = "hk_backend_9f2c61d4e0b84a7e93d5c1f07a6b2e48";

    /// <summary>A key of scope Admin, configured as "ops" by <see cref="Settings"/>.</summary>
    public const string Ops = "hk_ops_1b7e0c9a52f34d68a0e4b6c2d9f1835a";

    /// <summary>The SHA-256 of the key's UTF-8 bytes in hex, as <c>printf %s "$KEY" | sha256sum</c> prints it.</summary>
    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Configuration with "backend" (<see cref="Backend"/>, Publish) and "ops" (<see cref="Ops"/>, Admin), plus <paramref name="more"/>.</summary>
    public static Dictionary<string, string?> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Herald:Api:Keys:backend:Hash"] = HashOf(Backend),
            ["Herald:Api:Keys:backend:Scope"] = "Publish",
            ["Herald:Api:Keys:ops:Hash"] = HashOf(Ops),
            ["Herald:Api:Keys:ops:Scope"] = "Admin",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A request presenting <paramref name="key"/> as <c>Authorization: Bearer</c>.</summary>
    public static HttpRequestMessage Bearer(HttpMethod method, string path, string key) =>
        new(method, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };

    /// <summary>A request presenting <paramref name="key"/> as <c>X-Api-Key</c>.</summary>
    public static HttpRequestMessage ApiKeyHeader(HttpMethod method, string path, string key)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Api-Key", key);
        return request;
    }
}
