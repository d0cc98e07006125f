using System.Collections.Concurrent;
using System.Globalization;

namespace Herald.Delivery;

/// <summary>What a publish with an idempotency key came to: a result (new or remembered), or a key reused for another message.</summary>
internal readonly record struct IdempotentOutcome(HeraldPublishResult? Result, string? Conflict);

/// <summary>
/// Remembers each idempotency key's publish for IdempotencyWindow, at most MaxIdempotencyKeys of them (the
/// oldest are forgotten first), so that a retried publish is done once and answered with the first result.
/// A retry that arrives while the first is still publishing waits for it. A publish that fails is forgotten
/// at once, so it may be retried.
/// </summary>
internal sealed class IdempotencyStore(HeraldOptions options, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, Entry Entry)> _byAge = new();
    private readonly Lock _gate = new();

    public int Count => _entries.Count;

    public async ValueTask<IdempotentOutcome> PublishOnceAsync(
        Publication publication,
        Func<Publication, CancellationToken, ValueTask<HeraldPublishResult>> publish,
        CancellationToken cancellationToken)
    {
        var key = publication.IdempotencyKey!;
        var now = timeProvider.GetUtcNow();
        RemoveExpired(now);
        var entry = new Entry(publication, now);
        while (true)
        {
            var existing = _entries.GetOrAdd(key, entry);
            if (existing == entry)
            {
                break;
            }

            if (now - existing.CreatedAt >= options.IdempotencyWindow)
            {
                _entries.TryUpdate(key, entry, existing);
                continue;
            }

            if (!existing.Publication.IsSameMessageAs(publication))
            {
                return new IdempotentOutcome(null, $"idempotencyKey '{key}' was used for a different message within the last {options.IdempotencyWindow.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");
            }

            var original = await existing.Result.Task.WaitAsync(cancellationToken);
            return new IdempotentOutcome(original with { Duplicate = true }, null);
        }

        lock (_gate)
        {
            _byAge.Enqueue((key, entry));
            while (_byAge.Count > options.MaxIdempotencyKeys && _byAge.TryDequeue(out var oldest))
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(oldest.Key, oldest.Entry));
            }
        }

        try
        {
            var result = await publish(publication, cancellationToken);
            entry.Result.SetResult(result);
            return new IdempotentOutcome(result, null);
        }
        catch (Exception exception)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            entry.Result.SetException(exception);
            throw;
        }
    }

    private void RemoveExpired(DateTimeOffset now)
    {
        lock (_gate)
        {
            while (_byAge.TryPeek(out var oldest) && now - oldest.Entry.CreatedAt >= options.IdempotencyWindow)
            {
                _byAge.Dequeue();
                _entries.TryRemove(new KeyValuePair<string, Entry>(oldest.Key, oldest.Entry));
            }
        }
    }

    private sealed class Entry(Publication publication, DateTimeOffset createdAt)
    {
        public Publication Publication { get; } = publication;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public TaskCompletionSource<HeraldPublishResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
