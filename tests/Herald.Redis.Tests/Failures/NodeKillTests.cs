using System.Net.Http.Json;
using Herald.Redis.Tests.Infrastructure;

namespace Herald.Redis.Tests.Failures;

/// <summary>
/// A node dies without its shutdown (SIGKILL): its herald.v1 clients see the socket drop, log in to another node
/// resuming where they were, and end with every message published anywhere, before, during and after, once and
/// in order: the messages live in Redis, not in the node that was to deliver them.
/// </summary>
public sealed class NodeKillTests
{
    private const int Users = 3;
    private const int Messages = 40;
    private static readonly TimeSpan Receive = TimeSpan.FromSeconds(20);

    [Fact(Timeout = 120_000)]
    public async Task NodeKilled_ItsClientsResumeOnAnother_EveryMessageOnceInOrder()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var redis = await RedisServer.StartAsync();
        var prefix = RedisTestPrefix.New();
        await using var doomed = await HeraldNodeProcess.StartAsync(HeraldRedisSettings.EnvironmentFor(redis, prefix));
        await using var survivor = await FailureNode.StartAsync(redis, prefix);
        var readers = Enumerable.Range(0, Users).Select(user => new ResumingReader($"k{user}")).ToArray();
        try
        {
            foreach (var reader in readers)
            {
                await reader.LogInAsync(doomed.WebSocketUri, fromStart: true);
            }

            // A quarter through the node that dies; a quarter through the one that lives as the kill comes; a quarter
            // while the clients are cut off; the last once they are back.
            const int quarter = Messages / 4;
            await PublishAsync(1, quarter, (uid, data) => PublishToProcessAsync(doomed, uid, data, cancellation));
            var duringKill = Task.Run(() => PublishAsync(quarter + 1, 2 * quarter, (uid, data) => FailureNode.PublishOkAsync(survivor, uid, data, cancellation)), cancellation);
            await readers[0].ReadUntilCountAsync(quarter, Receive);
            await doomed.KillAsync();
            await duringKill;
            foreach (var reader in readers)
            {
                Assert.Equal(1006, await reader.ReadUntilClosedAsync(Receive));
            }

            await PublishAsync((2 * quarter) + 1, 3 * quarter, (uid, data) => FailureNode.PublishOkAsync(survivor, uid, data, cancellation));
            foreach (var reader in readers)
            {
                var joined = await reader.LogInAsync(survivor.WebSocketUri);
                Assert.True((bool?)joined["recovered"], joined.ToJsonString());
            }

            await PublishAsync((3 * quarter) + 1, Messages, (uid, data) => FailureNode.PublishOkAsync(survivor, uid, data, cancellation));
            var expected = Enumerable.Range(1, Messages).Select(i => $"{i}").ToArray();
            foreach (var reader in readers)
            {
                await reader.ReadUntilCountAsync(Messages, Receive);
                Assert.Equal(expected, reader.Received);
            }

            async Task PublishAsync(int from, int to, Func<string, string, Task> publish)
            {
                for (var i = from; i <= to; i++)
                {
                    foreach (var reader in readers)
                    {
                        await publish(reader.Stream["user:".Length..], $"{i}");
                    }
                }
            }
        }
        finally
        {
            foreach (var reader in readers)
            {
                await reader.DisposeAsync();
            }
        }
    }

    private static async Task PublishToProcessAsync(HeraldNodeProcess node, string uid, string data, CancellationToken cancellationToken)
    {
        using var response = await node.Http.PostAsJsonAsync("/api/v1/publish", new { users = new[] { uid }, data }, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
