using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Api;

public sealed partial class HubEndpointsTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetStats_AfterTraffic_ReportsCountsAndTotals()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var a1 = await server.ConnectAsUserAsync("a");
        await using var a2 = await server.ConnectAsUserAsync("a");
        await using var b = await server.ConnectAsUserAsync("b");
        await using var anonymous = await server.ConnectAsync();
        await Eventually.TrueAsync(() => server.Hub.GetStats().Connections == 4, "the anonymous connection to be accepted");
        await server.SendAsync("a", "one");
        await server.SendAsync("b", "two");
        await server.SendAsync("nobody", "three");
        await a1.ReceiveTextAsync();
        await a2.ReceiveTextAsync();
        await b.ReceiveTextAsync();

        using var response = await server.Http.GetAsync("/api/v1/stats", Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        var stats = json.RootElement;
        Assert.Equal(4, stats.GetProperty("connections").GetInt32());
        Assert.Equal(1, stats.GetProperty("pendingLogins").GetInt32());
        Assert.Equal(2, stats.GetProperty("users").GetInt32());
        Assert.Equal(4, stats.GetProperty("connectionsOpened").GetInt64());
        Assert.Equal(3, stats.GetProperty("messagesPublished").GetInt64());
        Assert.Equal(3, stats.GetProperty("messagesQueued").GetInt64());
        Assert.Equal(3, stats.GetProperty("messagesDelivered").GetInt64());
        Assert.Equal(0, stats.GetProperty("messagesDropped").GetInt64());
        Assert.Equal(0, stats.GetProperty("slowConsumerDisconnects").GetInt64());
        Assert.True(stats.GetProperty("uptimeSeconds").GetDouble() >= 0);
        Assert.True(stats.GetProperty("startedAt").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task GetUser_OnlineAndOffline_ReportsPresence()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var t1 = await server.ConnectAsUserAsync("u 1");
        await using var t2 = await server.ConnectAsUserAsync("u 1");

        var online = await server.Http.GetStringAsync("/api/v1/users/u%201", Cancellation);
        var offline = await server.Http.GetStringAsync("/api/v1/users/ghost", Cancellation);

        using var onlineJson = JsonDocument.Parse(online);
        Assert.Equal("u 1", onlineJson.RootElement.GetProperty("uid").GetString());
        Assert.True(onlineJson.RootElement.GetProperty("online").GetBoolean());
        Assert.Equal(2, onlineJson.RootElement.GetProperty("connections").GetInt32());
        Assert.Equal(2, onlineJson.RootElement.GetProperty("connectionDetails").GetArrayLength());
        Assert.Equal("""{"uid":"ghost","online":false,"connections":0,"connectionDetails":[]}""", offline);
    }

    [Fact]
    public async Task GetUser_ConnectionsOfBothFlavours_ListsEachWithItsDetails()
    {
        await using var server = await HeraldTestServer.StartAsync();
        var before = DateTimeOffset.UtcNow;
        await using var seed = await server.ConnectAsUserAsync("ada");
        var (v1, _, _) = await V1Client.LogInAsync(server, "ada");
        await using var _ = v1;
        await v1.SendTextAsync("""{"type":"subscribe","topic":"orders"}""");
        await v1.ReceiveTypeAsync("joined");
        await v1.SendTextAsync("""{"type":"subscribe","topic":"news"}""");
        await v1.ReceiveTypeAsync("joined");

        using var json = JsonDocument.Parse(await server.Http.GetStringAsync("/api/v1/users/ada", Cancellation));

        Assert.Equal(2, json.RootElement.GetProperty("connections").GetInt32());
        var details = json.RootElement.GetProperty("connectionDetails").EnumerateArray().ToDictionary(c => c.GetProperty("flavour").GetString()!);
        Assert.Equal(["herald.v1", "seed"], details.Keys.Order(StringComparer.Ordinal));
        Assert.NotEqual(details["seed"].GetProperty("id").GetInt64(), details["herald.v1"].GetProperty("id").GetInt64());
        foreach (var connection in details.Values)
        {
            Assert.StartsWith("127.0.0.1:", connection.GetProperty("remoteAddress").GetString(), StringComparison.Ordinal);
            var since = connection.GetProperty("connectedSince").GetDateTimeOffset();
            Assert.Equal(TimeSpan.Zero, since.Offset);
            Assert.InRange(since, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
            Assert.Equal(0, connection.GetProperty("queuedMessages").GetInt32());
            Assert.Equal(0, connection.GetProperty("queuedBytes").GetInt32());
        }

        Assert.Equal(JsonValueKind.Null, details["seed"].GetProperty("topics").ValueKind);
        Assert.Equal(["news", "orders"], details["herald.v1"].GetProperty("topics").EnumerateArray().Select(t => t.GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetStats_Version_IsTheAssemblysInformationalVersion()
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var json = JsonDocument.Parse(await server.Http.GetStringAsync("/api/v1/stats", Cancellation));

        var expected = typeof(IHeraldHub).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(expected, json.RootElement.GetProperty("version").GetString());
        Assert.StartsWith(typeof(IHeraldHub).Assembly.GetName().Version!.ToString(3), expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetUser_UidWithSlash_IsFoundThroughTheCatchAllRoute()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("tenant/42");

        var presence = await server.Http.GetStringAsync("/api/v1/users/tenant/42", Cancellation);

        Assert.StartsWith("""{"uid":"tenant/42","online":true,"connections":1,"connectionDetails":[{""", presence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetUser_UidTooLong_Returns400()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxUserIdLength = 4);

        using var response = await server.Http.GetAsync("/api/v1/users/toolong", Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"uid\"", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WebSocketEndpointWithoutUpgrade_Returns426Problem()
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.Http.GetAsync("/ws", Cancellation);

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task HttpApiDoc_StatsTable_ListsEveryFieldOfTheStatsAnswer()
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var json = JsonDocument.Parse(await server.Http.GetStringAsync("/api/v1/stats", Cancellation));

        // Only the stats section's tables: the users section has typed tables of its own. The single node's answer
        // comes first; the fields only a cluster's answer has (Herald.Redis) follow "On a cluster only:".
        var section = RepositoryFiles.ReadLines("docs/http-api.md").SkipWhile(line => line != "## `GET /api/v1/stats`").Skip(1).TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal)).ToList();
        var clusterOnly = section.IndexOf("On a cluster only:");
        Assert.True(clusterOnly > 0, "the stats section has no \"On a cluster only:\" table");
        Assert.Equal(json.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal), StatsFields(section[..clusterOnly]).Order(StringComparer.Ordinal));
        var omittedOnOneNode = typeof(HubStats).GetProperties()
            .Where(property => property.GetCustomAttribute<JsonIgnoreAttribute>()?.Condition == JsonIgnoreCondition.WhenWritingNull)
            .Select(property => JsonNamingPolicy.CamelCase.ConvertName(property.Name));
        Assert.Equal(omittedOnOneNode.Order(StringComparer.Ordinal), StatsFields(section[clusterOnly..]).Order(StringComparer.Ordinal));
    }

    private static IEnumerable<string> StatsFields(IEnumerable<string> lines) =>
        lines.Select(line => StatsRow().Match(line)).Where(match => match.Success).Select(match => match.Groups[1].Value);

    [GeneratedRegex(@"^\| `(\w+)` \| (?:int|long|number|string(?: \(ISO 8601, UTC\))?|array) \|")]
    private static partial Regex StatsRow();
}
