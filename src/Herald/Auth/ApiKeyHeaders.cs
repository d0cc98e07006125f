using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Herald.Auth;

/// <summary>
/// Reads the API key a request presents: <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>. An
/// Authorization header of another scheme (Basic for a proxy, say) is not Herald's and is left alone.
/// </summary>
internal static class ApiKeyHeaders
{
    public const string ApiKeyHeader = "X-Api-Key";

    private const string Bearer = "Bearer";

    /// <summary>The presented key; or null, with <paramref name="problem"/> saying why the headers are unusable when they are (null when there is simply no key).</summary>
    public static string? Read(IHeaderDictionary headers, out string? problem)
    {
        problem = null;
        var apiKey = headers[ApiKeyHeader];
        if (apiKey.Count > 1)
        {
            problem = $"{ApiKeyHeader} is given more than once: send one key.";
            return null;
        }

        var bearer = BearerOf(headers[HeaderNames.Authorization], out problem);
        if (problem is not null)
        {
            return null;
        }

        var key = apiKey.Count == 1 ? apiKey.ToString().Trim() : null;
        if (key is not null && bearer is not null && key != bearer)
        {
            problem = $"Authorization and {ApiKeyHeader} carry different keys: send one.";
            return null;
        }

        key ??= bearer;
        if (key is { Length: 0 })
        {
            problem = "The API key is empty.";
            return null;
        }

        return key;
    }

    /// <summary>The scheme of an Authorization header that is not Bearer, for the answer that says no key was found.</summary>
    public static string? OtherScheme(IHeaderDictionary headers)
    {
        var authorization = headers[HeaderNames.Authorization].ToString();
        var end = authorization.IndexOf(' ', StringComparison.Ordinal);
        return authorization.Length == 0 || IsBearer(authorization) ? null : end < 0 ? authorization : authorization[..end];
    }

    private static string? BearerOf(Microsoft.Extensions.Primitives.StringValues authorization, out string? problem)
    {
        problem = null;
        string? bearer = null;
        foreach (var value in authorization)
        {
            if (value is null || !IsBearer(value))
            {
                continue;
            }

            if (bearer is not null)
            {
                problem = "Authorization: Bearer is given more than once: send one key.";
                return null;
            }

            bearer = value.Trim()[Bearer.Length..].Trim();
        }

        return bearer;
    }

    // The scheme is case-insensitive (RFC 9110, section 11.1); "Bearer" alone, with no key after it, is an empty key.
    private static bool IsBearer(string value)
    {
        var trimmed = value.AsSpan().Trim();
        return trimmed.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) && (trimmed.Length == Bearer.Length || trimmed[Bearer.Length] == ' ');
    }
}
