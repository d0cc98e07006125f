using Microsoft.AspNetCore.Http;

namespace Herald.Api;

/// <summary>The problem+json answers of the HTTP API, each naming exactly what was wrong.</summary>
internal static class Problems
{
    public static IResult InvalidParameter(string parameter, string detail) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [parameter] = [detail] },
            detail: detail,
            title: $"Invalid parameter '{parameter}'");

    public static IResult Status(int statusCode, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: statusCode, title: title);
}
