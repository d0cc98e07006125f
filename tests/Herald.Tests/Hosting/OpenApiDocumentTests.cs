using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Hosting;

/// <summary>The standalone server's OpenAPI document against docs/http-api.md's endpoint table and against what the server answers.</summary>
public sealed partial class OpenApiDocumentTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Document_ListsExactlyTheDocumentedEndpoints_AndEachAnswerIsOneItDescribes()
    {
        var port = HeraldProcess.FreePort();
        await using var host = await HeraldProcess.StartAsync(["--urls", $"http://127.0.0.1:{port}"]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var answer = await http.GetAsync("/openapi/v1.json", Cancellation);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        using var document = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(Cancellation));
        var root = document.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var operations = root.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Method: operation.Name.ToUpperInvariant(), Path: path.Name, Operation: operation.Value)))
            .ToList();

        Assert.Equal(DocumentedEndpoints().Order(), operations.Select(operation => $"{operation.Method} {operation.Path}").Order());

        // Every operation, called without parameters or body, answers a status the document lists for it.
        foreach (var (method, path, operation) in operations)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{uid}", "ada", StringComparison.Ordinal));
            using var response = await http.SendAsync(request, Cancellation);
            var listed = operation.GetProperty("responses").EnumerateObject().Select(status => status.Name).ToList();
            Assert.True(listed.Contains(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)), $"{method} {path} answered {(int)response.StatusCode}, which the document does not list ({string.Join(", ", listed)})");
        }

        // Herald's counts are JSON numbers, and the document says so.
        var connections = root.GetProperty("paths").GetProperty("/api/v1/stats").GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("properties").GetProperty("connections");
        Assert.Equal("integer", connections.GetProperty("type").GetString());

        // The cluster's fields (on Redis) are described, though a single node leaves them out of its answers.
        Assert.True(AnswerSchema(root, "/api/v1/stats").TryGetProperty("nodes", out _) && AnswerSchema(root, "/api/v1/stats").TryGetProperty("node", out _));
        Assert.True(AnswerSchema(root, "/api/v1/users/{uid}").TryGetProperty("nodes", out _));
    }

    private static JsonElement AnswerSchema(JsonElement root, string path) =>
        root.GetProperty("paths").GetProperty(path).GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("properties");

    /// <summary>The endpoints of docs/http-api.md's first table, one per method: "`GET` or `POST /send`" is two.</summary>
    private static List<string> DocumentedEndpoints()
    {
        var table = RepositoryFiles.ReadLines("docs/http-api.md").SkipWhile(line => !line.StartsWith("| Endpoint |", StringComparison.Ordinal)).Skip(2).TakeWhile(line => line.StartsWith('|'));
        var endpoints = new List<string>();
        foreach (var line in table)
        {
            var cell = line.Split('|')[1];
            var path = EndpointPath().Match(cell).Groups["path"].Value;
            endpoints.AddRange(EndpointMethod().Matches(cell).Select(method => $"{method.Value} {path}"));
        }

        return endpoints;
    }

    [GeneratedRegex(@"(?<path>/[^`\s]*)`")]
    private static partial Regex EndpointPath();

    [GeneratedRegex(@"\b(GET|POST)\b")]
    private static partial Regex EndpointMethod();
}
