using Herald.Tests.Infrastructure;

namespace Herald.Tests.Protocol;

/// <summary>Conflation with a real, stalled reader: it gets the latest state, not a backlog, and is never cut off.</summary>
public sealed class ConflationTests
{
    [Fact]
    public async Task StalledReader_ReceivesTheLatestKeyedMessageInOrderInsteadOfBeingCutOff()
    {
        const int Published = 600;
        await using var server = await HeraldTestServer.StartAsync();
        var (client, _, _) = await V1Client.LogInAsync(server, "ada");
        await using var _ = client;
        var progress = new string('#', 32 * 1024);

        // About 19 MiB: far more than the socket buffers and the 4 MiB queue budget hold while the client reads nothing.
        for (var i = 1; i <= Published; i++)
        {
            await server.Hub.PublishAsync(new HeraldPublication { Users = ["ada"], Text = $"{i}:{progress}", Key = "progress" }, TestContext.Current.CancellationToken);
        }

        var seqs = new List<long>();
        while (seqs.Count == 0 || seqs[^1] < Published)
        {
            var message = await client.ReceiveTypeAsync("message");
            Assert.Equal("progress", (string?)message["key"]);
            Assert.StartsWith($"{(long)message["seq"]!}:", (string)message["data"]!, StringComparison.Ordinal);
            seqs.Add((long)message["seq"]!);
        }

        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(seqs.Count, seqs.Distinct().Count());
        var stats = server.Hub.GetStats();
        Assert.Equal(0, stats.SlowConsumerDisconnects);
        Assert.True(stats.MessagesConflated > 0, "the reader stalled long enough for messages to be conflated");
        Assert.Equal(Published, seqs.Count + stats.MessagesConflated);
    }
}
