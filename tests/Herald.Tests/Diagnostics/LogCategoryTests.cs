using System.Text.RegularExpressions;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Diagnostics;

/// <summary>The log categories are public names: every event is logged under the category operations.md gives it.</summary>
public sealed partial class LogCategoryTests
{
    [Fact]
    public async Task Events_OfEveryKind_AreLoggedUnderTheirDocumentedCategory()
    {
        var documented = DocumentedCategories();
        await using (var server = await HeraldTestServer.StartAsync(direct: true))
        {
            // One event of each category: a connection's life, a refused upgrade and publish, a disconnect, shutdown.
            await using (var client = await server.ConnectAsUserAsync("ada"))
            {
                Assert.Equal(1, await server.Hub.DisconnectUserAsync("ada", "logout", TestContext.Current.CancellationToken));
                Assert.Equal(4004, await client.ReceiveCloseAsync());
            }

            Assert.False((await server.Http.GetAsync("/ws", TestContext.Current.CancellationToken)).IsSuccessStatusCode);
            Assert.False((await server.Http.GetAsync("/send?uid=&message=x", TestContext.Current.CancellationToken)).IsSuccessStatusCode);
            await Eventually.TrueAsync(() => server.Logs.Contains("ConnectionClosed"), "the connection's end to be logged");
            await server.StopAsync();

            var seen = server.Logs.Entries.Where(entry => entry.Category.StartsWith("Herald", StringComparison.Ordinal)).ToList();
            foreach (var name in (string[])["ConnectionOpened", "ConnectionLoggedIn", "ConnectionClosed", "UserDisconnected", "UpgradeRefused", "PublishRejected", "HeraldStarted", "ShutdownStarted"])
            {
                var entry = Assert.Single(seen, entry => entry.EventName == name);
                Assert.Contains(entry.Category, documented[entry.EventId]);
            }

            Assert.All(seen, entry => Assert.Contains(entry.Category, documented[entry.EventId]));
        }
    }

    /// <summary>Event ID to the categories in its row of operations.md's event table.</summary>
    private static Dictionary<int, string[]> DocumentedCategories()
    {
        var operations = File.ReadAllText(RepositoryFiles.PathOf("docs", "operations.md"));
        return EventRow().Matches(operations).ToDictionary(
            row => int.Parse(row.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture),
            row => Category().Matches(row.Groups["categories"].Value).Select(category => category.Groups[1].Value).ToArray());
    }

    [GeneratedRegex(@"^\| (?<id>\d{3}) \| `\w+` \| \w+ \| (?<categories>[^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex EventRow();

    [GeneratedRegex("`([A-Za-z.]+)`")]
    private static partial Regex Category();
}
