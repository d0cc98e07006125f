using System.Globalization;

namespace Herald.Delivery;

/// <summary>
/// Remembers each idempotency key's publish for IdempotencyWindow, so that a retried publish is done once and
/// answered with the first result. In this process's memory for one node (<see cref="IdempotencyStore"/>); in
/// Redis for several, so that a retry reaching another node is still a retry.
/// </summary>
internal interface IIdempotencyStore
{
    /// <summary>Keys remembered now, as far as this node can tell.</summary>
    int Count { get; }

    /// <summary>Memory those keys account for on this node, in bytes.</summary>
    long Bytes { get; }

    /// <summary>
    /// Publishes with <paramref name="publish"/> unless the publication's key was used within the window: then
    /// answers with that publish's result (waiting for it if it is still under way), or with a conflict when the key
    /// was used for a different message. A publish that fails frees its key for a retry; in memory it published
    /// nothing, and on Redis, where a lost reply may hide a publish that ran, the retry finds in each stream what it did.
    /// </summary>
    ValueTask<IdempotentOutcome> PublishOnceAsync(
        Publication publication,
        Func<Publication, CancellationToken, ValueTask<HeraldPublishResult>> publish,
        CancellationToken cancellationToken);
}

/// <summary>What a publish with an idempotency key came to: a result (new or remembered), or a key reused for another message.</summary>
internal readonly record struct IdempotentOutcome(HeraldPublishResult? Result, string? Conflict)
{
    /// <summary>The conflict's message, the same from every store.</summary>
    public static IdempotentOutcome ConflictFor(string key, TimeSpan window) =>
        new(null, $"idempotencyKey '{key}' was used for a different message within the last {window.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");
}
