using Microsoft.AspNetCore.Http;

namespace Herald.Auth;

/// <summary>The problem+json answers of access control (401, 403, 429), in the style of the API's own <c>Problems</c>.</summary>
internal static class AccessProblems
{
    /// <summary>How to configure a key, for the answers that must say so.</summary>
    public const string HowToConfigureKeys =
        "Configure a key: set Herald:Api:Keys:<name>:Hash to its SHA-256 in hex (printf %s \"$KEY\" | sha256sum) and Herald:Api:Keys:<name>:Scope to Publish or Admin; see docs/security.md.";

    public static Task WriteAsync(HttpContext context, int statusCode, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: statusCode, title: title).ExecuteAsync(context);
}
