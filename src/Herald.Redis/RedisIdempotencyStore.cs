using System.Text.Json;
using Herald.Delivery;
using StackExchange.Redis;

namespace Herald.Redis;

/// <summary>
/// Idempotency keys in Redis, so that a retry reaching any node is a retry. A key is claimed before the publish
/// (<c>SET NX</c>, as <c>pending</c> with the message's fingerprint, for a lease), and holds the result once the
/// publish is done (<c>done</c>, for IdempotencyWindow). A retry of a key whose publish is under way on some node
/// waits for its result; one whose publish failed (the key was released) publishes in its place. A publish to
/// several streams spans several hash slots, so the claim is its own step rather than part of each stream's
/// script; docs/scaling.md says what a node that dies between the two costs.
/// </summary>
internal sealed class RedisIdempotencyStore(
    RedisConnection redis,
    RedisKeys keys,
    HeraldRedisOptions redisOptions,
    HeraldOptions options,
    TimeProvider timeProvider) : IIdempotencyStore
{
    private const string Pending = "pending";
    private const string Done = "done";

    // How long a claim lasts without a result: a publish that takes longer is taken for dead, and a retry publishes.
    // Every stream's script must have run by then; each is bounded by CommandTimeout.
    private readonly TimeSpan _lease = TimeSpan.FromTicks(redisOptions.CommandTimeout.Ticks * 4);

    // Releases a claim only while it is still this publish's own.
    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    private int _claimed;

    /// <summary>Keys this node claimed since start; the keys themselves live in Redis, counted by its own INFO.</summary>
    public int Count => Volatile.Read(ref _claimed);

    /// <summary>Redis keeps the keys: nothing of them is in this node's memory.</summary>
    public long Bytes => 0;

    public async ValueTask<IdempotentOutcome> PublishOnceAsync(
        Publication publication,
        Func<Publication, CancellationToken, ValueTask<HeraldPublishResult>> publish,
        CancellationToken cancellationToken)
    {
        try
        {
            return await ClaimAndPublishAsync(publication, publish, cancellationToken);
        }
        catch (Exception exception) when (RedisUnavailable.Is(exception))
        {
            throw RedisUnavailable.From(exception, redisOptions);
        }
    }

    private async ValueTask<IdempotentOutcome> ClaimAndPublishAsync(
        Publication publication,
        Func<Publication, CancellationToken, ValueTask<HeraldPublishResult>> publish,
        CancellationToken cancellationToken)
    {
        var key = keys.Idempotency(publication.IdempotencyKey!);
        var fingerprint = Convert.ToHexString(publication.Fingerprint());
        var claim = $"{Pending}\n{fingerprint}\n{redis.NodeId}\n{Guid.NewGuid():N}";
        var deadline = timeProvider.GetUtcNow() + _lease;
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            if (await redis.Database.StringSetAsync(key, claim, _lease, When.NotExists))
            {
                Interlocked.Increment(ref _claimed);
                return await PublishClaimedAsync(publication, publish, key, claim, fingerprint, cancellationToken);
            }

            var existing = (string?)await redis.Database.StringGetAsync(key);
            if (existing is null)
            {
                // Released by a failed publish, or expired, between the two commands: claim it again.
                continue;
            }

            var parts = existing.Split('\n', 3);
            if (parts.Length < 3 || parts[1] != fingerprint)
            {
                return IdempotentOutcome.ConflictFor(publication.IdempotencyKey!, options.IdempotencyWindow);
            }

            if (parts[0] == Done)
            {
                var original = JsonSerializer.Deserialize(parts[2], RedisJsonContext.Default.HeraldPublishResult)!;
                return new IdempotentOutcome(original with { Duplicate = true }, null);
            }

            // Under way on some node: wait for its result, as a retry on the same node would.
            if (timeProvider.GetUtcNow() >= deadline)
            {
                throw new TimeoutException($"the publish with idempotencyKey '{publication.IdempotencyKey}' is still under way after {_lease.TotalSeconds:0.#} s");
            }

            await Task.Delay(delay, timeProvider, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.TicksPerMillisecond * 200));
        }
    }

    private async ValueTask<IdempotentOutcome> PublishClaimedAsync(
        Publication publication,
        Func<Publication, CancellationToken, ValueTask<HeraldPublishResult>> publish,
        RedisKey key,
        string claim,
        string fingerprint,
        CancellationToken cancellationToken)
    {
        HeraldPublishResult result;
        try
        {
            result = await publish(publication, cancellationToken);
        }
        catch (Exception)
        {
            // Nothing was published (the backplane takes cancellation only before the first stream has it): free the key.
            await ReleaseAsync(key, claim);
            throw;
        }

        var done = $"{Done}\n{fingerprint}\n{JsonSerializer.Serialize(result, RedisJsonContext.Default.HeraldPublishResult)}";
        await redis.Database.StringSetAsync(key, done, options.IdempotencyWindow, When.Always);
        return new IdempotentOutcome(result, null);
    }

    private async Task ReleaseAsync(RedisKey key, string claim)
    {
        try
        {
            await redis.Database.ScriptEvaluateAsync(ReleaseScript, [key], [claim]);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Redis is away: the claim's lease frees the key instead.
        }
    }
}
