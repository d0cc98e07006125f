using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Herald.Tests.Infrastructure;

/// <summary>Calls <c>POST /api/v1/publish</c> and <c>/api/v1/publish/batch</c> with a JSON text as written, and reads their answers.</summary>
public static class PublishResponses
{
    public const string PublishPath = "/api/v1/publish";

    public const string BatchPath = "/api/v1/publish/batch";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>POSTs <paramref name="json"/> as <c>application/json</c>, with the <c>Idempotency-Key</c> header when one is given.</summary>
    public static Task<HttpResponseMessage> PostJsonAsync(this HeraldTestServer server, string path, string json, string? idempotencyKeyHeader = null) =>
        server.PostBytesAsync(path, Encoding.UTF8.GetBytes(json), "application/json", idempotencyKeyHeader);

    /// <summary>POSTs raw bytes with the given content type (none when null).</summary>
    public static async Task<HttpResponseMessage> PostBytesAsync(this HeraldTestServer server, string path, byte[] body, string? contentType, string? idempotencyKeyHeader = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (idempotencyKeyHeader is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKeyHeader);
        }

        return await server.Http.SendAsync(request, Cancellation);
    }

    /// <summary>Publishes and returns the 200 answer's text, failing the test on any other status.</summary>
    public static async Task<string> PublishTextAsync(this HeraldTestServer server, string json, string? idempotencyKeyHeader = null)
    {
        using var response = await server.PostJsonAsync(PublishPath, json, idempotencyKeyHeader);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return text;
    }

    /// <summary>Publishes and returns the 200 answer, parsed.</summary>
    public static async Task<PublishAnswer> PublishAsync(this HeraldTestServer server, string json, string? idempotencyKeyHeader = null) =>
        PublishAnswer.Parse(await server.PublishTextAsync(json, idempotencyKeyHeader));

    /// <summary>Posts a batch and returns its 200 answer's results.</summary>
    public static async Task<IReadOnlyList<JsonElement>> PublishBatchAsync(this HeraldTestServer server, string json)
    {
        using var response = await server.PostJsonAsync(BatchPath, json);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Single(root.EnumerateObject());
        return [.. root.GetProperty("results").EnumerateArray().Select(result => result.Clone())];
    }

    /// <summary>Asserts a problem+json answer with exactly this status, title and detail.</summary>
    public static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title, string detail)
    {
        var problem = await ReadProblemAsync(response, status, title);
        Assert.Equal(detail, problem.GetProperty("detail").GetString());
    }

    /// <summary>Asserts a problem+json answer with this status and title, and returns its body.</summary>
    public static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        var problem = document.RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(title, problem.GetProperty("title").GetString());
        return problem;
    }

    /// <summary>Whether <paramref name="id"/> is 32 lower-case hex digits, as a message ID is.</summary>
    public static bool IsMessageId(string? id) =>
        id is { Length: 32 } && id.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}

/// <summary>The answer of <c>POST /api/v1/publish</c>.</summary>
public sealed record PublishAnswer(string Id, int Delivered, IReadOnlyList<StreamAnswer> Streams, bool Duplicate)
{
    public static PublishAnswer Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Parse(document.RootElement);
    }

    public static PublishAnswer Parse(JsonElement root) => new(
        root.GetProperty("id").GetString()!,
        root.GetProperty("delivered").GetInt32(),
        [.. root.GetProperty("streams").EnumerateArray().Select(stream => new StreamAnswer(
            stream.GetProperty("stream").GetString()!,
            stream.GetProperty("epoch").GetString()!,
            stream.GetProperty("seq").GetInt64(),
            stream.GetProperty("delivered").GetInt32()))],
        root.TryGetProperty("duplicate", out var duplicate) && duplicate.GetBoolean());

    /// <summary>The one stream of a publish to one target.</summary>
    public StreamAnswer Only => Assert.Single(Streams);
}

/// <summary>One stream of a publish's answer.</summary>
public sealed record StreamAnswer(string Stream, string Epoch, long Seq, int Delivered);
