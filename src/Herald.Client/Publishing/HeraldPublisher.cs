using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Herald.Client;

/// <summary>
/// The typed client of Herald's HTTP API, for business systems: publish to users, topics or everyone, and ask
/// about the hub.
/// Give it an <see cref="HttpClient"/> whose <see cref="HttpClient.BaseAddress"/> is Herald's (with the
/// <c>MapHerald</c> prefix, if any, and a trailing slash), or register it as a typed client:
/// <c>services.AddHttpClient&lt;HeraldPublisher&gt;(c =&gt; c.BaseAddress = new Uri("http://herald:8181/"))</c>.
/// A refusal surfaces as <see cref="HeraldApiException"/> carrying the server's message. Thread-safe, as its
/// <see cref="HttpClient"/> is: one instance may serve the whole application.
/// </summary>
public sealed partial class HeraldPublisher
{
    private readonly HttpClient _httpClient;

    /// <summary>Creates a publisher over <paramref name="httpClient"/>, which must have a base address.</summary>
    public HeraldPublisher(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        if (httpClient.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress: Herald's address, such as http://herald:8181/.", nameof(httpClient));
        }

        _httpClient = httpClient;
    }

    /// <summary>Sends <paramref name="message"/> as a text frame to every live connection of the user (<c>POST /send</c>).</summary>
    /// <returns>How many connections the message was queued for; 0 when the user has none.</returns>
    public async Task<int> SendAsync(string userId, string message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(message);
        using var content = JsonContent.Create(new SendBody(userId, message), PublishingJsonContext.Default.SendBody);
        var answer = await PostAsync("send", content, PublishingJsonContext.Default.SendAnswer, cancellationToken);
        return answer.Delivered;
    }

    /// <summary>
    /// Closes every connection of the user with close code 4004 and <paramref name="reason"/>
    /// (<c>POST /api/v1/users/{uid}/disconnect</c>), after a logout or a ban, say.
    /// </summary>
    /// <returns>How many connections were closed.</returns>
    public async Task<int> DisconnectUserAsync(string userId, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        using var content = JsonContent.Create(new DisconnectBody(reason), PublishingJsonContext.Default.DisconnectBody);
        var answer = await PostAsync($"api/v1/users/{UserPath(userId)}/disconnect", content, PublishingJsonContext.Default.DisconnectAnswer, cancellationToken);
        return answer.Disconnected;
    }

    /// <summary>The hub's counts and running totals (<c>GET /api/v1/stats</c>).</summary>
    public Task<HeraldHubStats> GetStatsAsync(CancellationToken cancellationToken = default) =>
        GetAsync("api/v1/stats", PublishingJsonContext.Default.HeraldHubStats, cancellationToken);

    /// <summary>Whether the user is connected, and with how many connections (<c>GET /api/v1/users/{uid}</c>).</summary>
    public Task<HeraldUserPresence> GetUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return GetAsync($"api/v1/users/{UserPath(userId)}", PublishingJsonContext.Default.HeraldUserPresence, cancellationToken);
    }

    // Herald takes the rest of the path as the user ID, '/' included: escape everything else, segment by segment.
    private static string UserPath(string userId) => string.Join('/', userId.Split('/').Select(Uri.EscapeDataString));

    private async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        using var response = await _httpClient.GetAsync(path, cancellationToken);
        return await ReadAsync(response, answer, cancellationToken);
    }

    private async Task<T> PostAsync<T>(string path, HttpContent content, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        using var response = await _httpClient.PostAsync(path, content, cancellationToken);
        return await ReadAsync(response, answer, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await RefusalAsync(response, cancellationToken);
        }

        return await response.Content.ReadFromJsonAsync(answer, cancellationToken)
            ?? throw new HeraldApiException(response.StatusCode, null, "Herald answered with an empty body.");
    }

    private static async Task<HeraldApiException> RefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var fallback = $"Herald answered {(int)response.StatusCode} {response.ReasonPhrase}.";
        var retryAfter = RetryAfter(response);
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return new HeraldApiException(response.StatusCode, null, fallback) { RetryAfter = retryAfter };
        }

        try
        {
            var problem = await response.Content.ReadFromJsonAsync(PublishingJsonContext.Default.ProblemBody, cancellationToken);
            return new HeraldApiException(response.StatusCode, problem?.Title, problem?.Detail ?? problem?.Title ?? fallback, problem?.Errors) { RetryAfter = retryAfter };
        }
        catch (JsonException)
        {
            return new HeraldApiException(response.StatusCode, null, fallback) { RetryAfter = retryAfter };
        }
    }

    // Retry-After is seconds (what Herald sends) or a date, read against the answer's own Date so that no clock of
    // this machine is involved; a date without one is not usable.
    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } when response.Headers.Date is { } sent => date > sent ? date - sent : TimeSpan.Zero,
        _ => null,
    };
}
