using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Herald.Bench.Net;

/// <summary>
/// The server's HTTP API as the generator uses it: <c>/send</c>, <c>/api/v1/publish</c>, <c>/api/v1/publish/batch</c>
/// and <c>/api/v1/stats</c>, over keep-alive connections. A server of the seed's design has <c>/send</c> only.
/// </summary>
internal sealed class HeraldApiClient : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly Uri StatsPath = new("api/v1/stats", UriKind.Relative);
    private static readonly Uri PublishPath = new("api/v1/publish", UriKind.Relative);
    private static readonly Uri PublishBatchPath = new("api/v1/publish/batch", UriKind.Relative);

    private readonly HttpClient _http;

    /// <param name="target">The server.</param>
    /// <param name="sources">Source addresses for new connections; null to let the system choose.</param>
    /// <param name="maxConnections">Keep-alive connections the pool may hold: the publishers' concurrency plus one for stats.</param>
    /// <param name="apiKey">The API key every call carries (<c>Authorization: Bearer</c>); null for none.</param>
    public HeraldApiClient(LoopbackTarget target, SourceAddressPool? sources, int maxConnections, string? apiKey)
    {
        _http = new HttpClient(LoopbackHandler.Create(target, sources, maxConnections), disposeHandler: true)
        {
            BaseAddress = target.HttpBase,
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (apiKey is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    /// <returns>The stats; null when the server answers 404 (it has no stats endpoint, like the seed's design).</returns>
    public async Task<ServerStats?> TryGetStatsAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(StatsPath, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonSerializer.DeserializeAsync(body, ApiJsonContext.Default.ServerStats, cancellationToken)
            ?? throw new InvalidOperationException("GET /api/v1/stats answered null");
    }

    /// <exception cref="InvalidOperationException">The server has no stats endpoint; call only after it was found to have one.</exception>
    public async Task<ServerStats> GetStatsAsync(CancellationToken cancellationToken) =>
        await TryGetStatsAsync(cancellationToken) ?? throw new InvalidOperationException("GET /api/v1/stats answered 404");

    /// <summary>Polls the stats until <paramref name="condition"/> holds or <paramref name="timeout"/> passes.</summary>
    /// <returns>The last stats read, and whether the condition held.</returns>
    public async Task<(ServerStats Stats, bool Met)> WaitForStatsAsync(Func<ServerStats, bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var stats = await GetStatsAsync(cancellationToken);
            if (condition(stats))
            {
                return (stats, true);
            }

            if (Stopwatch.GetElapsedTime(started) >= timeout)
            {
                return (stats, false);
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary><c>GET /send?uid=&amp;message=</c>.</summary>
    /// <returns>
    /// The connections the message was queued for, or -1 with the HTTP status (0: no answer) when it failed. Herald
    /// answers <c>{"delivered":n}</c>; the seed's design answers 200 <c>ok</c> (its one connection of that user: 1)
    /// or 404 when the user has no connection (0, as Herald's <c>{"delivered":0}</c>).
    /// </returns>
    public async Task<(int Delivered, int Status)> SendAsync(string userId, string message, CancellationToken cancellationToken)
    {
        var path = $"send?uid={Uri.EscapeDataString(userId)}&message={Uri.EscapeDataString(message)}";
        try
        {
            using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return (0, status);
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (-1, status);
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return (SendAnswers.ReadDelivered(body), status);
        }
        catch (HttpRequestException)
        {
            return (-1, 0);
        }
        catch (JsonException)
        {
            return (-1, 200);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (-1, 0);
        }
    }

    /// <summary><c>POST /api/v1/publish</c> with <paramref name="json"/> as the body.</summary>
    /// <returns>The connections the message was queued for, or -1 with the HTTP status (0: no answer) when it failed.</returns>
    public async Task<(int Delivered, int Status)> PublishAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        var (status, body, length) = await PostAsync(PublishPath, json, cancellationToken);
        try
        {
            return status == (int)HttpStatusCode.OK ? (PublishAnswers.ReadDelivered(body.AsSpan(0, length)), status) : (-1, status);
        }
        catch (JsonException)
        {
            return (-1, status);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    /// <summary><c>POST /api/v1/publish/batch</c> with <paramref name="json"/> as the body.</summary>
    /// <returns>The answer summed, with its HTTP status (0: no answer); an empty answer when the batch failed as a whole.</returns>
    public async Task<(BatchAnswer Answer, int Status)> PublishBatchAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        var (status, body, length) = await PostAsync(PublishBatchPath, json, cancellationToken);
        try
        {
            return status == (int)HttpStatusCode.OK ? (PublishAnswers.ReadBatch(body.AsSpan(0, length)), status) : (default, status);
        }
        catch (JsonException)
        {
            return (default, status);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Posts JSON and reads the whole answer into a pooled buffer, which the caller returns.</summary>
    /// <returns>The HTTP status (0 when there was no answer), and the body.</returns>
    private async Task<(int Status, byte[] Body, int Length)> PostAsync(Uri path, ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        var body = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var length = 0;
        try
        {
            using var content = new ReadOnlyMemoryContent(json);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            while (true)
            {
                if (length == body.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(body.Length * 2);
                    body.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(body);
                    body = larger;
                }

                var read = await stream.ReadAsync(body.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    return ((int)response.StatusCode, body, length);
                }

                length += read;
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException
            || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (0, body, 0);
        }
    }
}
