using System.Net;

namespace Herald.Client;

/// <summary>
/// Herald refused a request. <see cref="Exception.Message"/> is the server's own explanation (the problem's
/// detail); <see cref="Errors"/> names the parameters it found invalid. 401 (no or an unknown API key), 403 (a key
/// whose scope does not allow the call) and 429 (over the rate limit, with <see cref="RetryAfter"/>) are refusals too.
/// </summary>
public sealed class HeraldApiException : Exception
{
    /// <summary>Creates the exception for a refused request.</summary>
    public HeraldApiException(HttpStatusCode statusCode, string? title, string message, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(message)
    {
        StatusCode = statusCode;
        Title = title;
        Errors = errors ?? new Dictionary<string, string[]>();
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem's title, such as "Invalid parameter 'uid'"; null when the answer had none.</summary>
    public string? Title { get; }

    /// <summary>For a validation problem: each invalid parameter and what is wrong with it.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>
    /// How long to wait before trying again, when the answer said (its <c>Retry-After</c>): Herald's 429, when the
    /// caller went over its rate limit; a 503 from a proxy. Null when the answer did not say.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }
}
