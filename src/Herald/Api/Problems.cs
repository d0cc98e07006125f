using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Herald.Api;

/// <summary>The problem+json answers of the HTTP API, each naming exactly what was wrong.</summary>
internal static class Problems
{
    /// <summary>The title of every 503 for a cluster that cannot answer, on ASP.NET Core's path and the direct one.</summary>
    public const string UnavailableTitle = "Cluster unavailable";

    public static IResult InvalidParameter(string parameter, string detail) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [parameter] = [detail] },
            detail: detail,
            title: $"Invalid parameter '{parameter}'");

    public static IResult Status(int statusCode, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: statusCode, title: title);

    /// <summary>Whole seconds for <c>Retry-After</c> (RFC 9110, section 10.2.3), rounded up.</summary>
    public static int RetryAfterSeconds(BackplaneUnavailableException unavailable) =>
        (int)Math.Max(1, Math.Ceiling(unavailable.RetryAfter.TotalSeconds));

    /// <summary>What a publish refused with 503 tells its caller, the same on every path.</summary>
    public static string PublishUnavailableDetail(BackplaneUnavailableException unavailable) =>
        $"The cluster's Redis is unreachable or did not answer in time, so the message was not accepted. Retry after {RetryAfterSeconds(unavailable)} s; " +
        "a publish whose reply was lost may have gone out, so retry with an idempotency key to publish exactly once.";

    /// <summary>503 with <c>Retry-After</c>: the cluster's Redis cannot answer now.</summary>
    public static Task WriteUnavailableAsync(HttpContext context, BackplaneUnavailableException unavailable, string detail)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds(unavailable).ToString(CultureInfo.InvariantCulture);
        return Status(StatusCodes.Status503ServiceUnavailable, UnavailableTitle, detail).ExecuteAsync(context);
    }
}
