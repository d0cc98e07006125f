using System.Collections.Concurrent;

namespace Herald.Delivery;

/// <summary>
/// Remembers each idempotency key's publish for IdempotencyWindow, at most MaxIdempotencyKeys of them in at most
/// MaxIdempotencyBytes (the oldest are forgotten first), so that a retried publish is done once and answered with
/// the first result. A key keeps the message's fingerprint, not the message, and the answer.
/// A retry that arrives while the first is still publishing waits for it. A publish that fails published nothing
/// (the backplane takes cancellation only before the first stream has the message), so its key is forgotten at
/// once: a later retry publishes, and a retry that was waiting for it publishes in its place.
/// </summary>
internal sealed class IdempotencyStore(HeraldOptions options, TimeProvider timeProvider) : IIdempotencyStore
{
    // What a remembered key costs besides its streams: the entry, its task, the 32-byte fingerprint, the
    // dictionary and queue slots, and the answer with its message ID. Measured sizes rounded up, not exact.
    private const int EntryBytes = 512;

    // What each stream adds to the answer: its result record and slot, besides the name's characters.
    private const int StreamResultBytes = 80;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, Entry Entry)> _byAge = new();
    private readonly Lock _gate = new();

    // What MaxIdempotencyKeys and MaxIdempotencyBytes bound: the keys remembered now. _byAge can hold more, the
    // places of failed publishes, left behind until they reach its front.
    private int _remembered;
    private long _bytes;

    public int Count => Volatile.Read(ref _remembered);

    public long Bytes => Interlocked.Read(ref _bytes);

    public async ValueTask<IdempotentOutcome> PublishOnceAsync(
        Publication publication,
        Func<Publication, CancellationToken, ValueTask<HeraldPublishResult>> publish,
        CancellationToken cancellationToken)
    {
        var key = publication.IdempotencyKey!;
        var now = timeProvider.GetUtcNow();
        RemoveExpired(now);
        var entry = new Entry(publication.Fingerprint(), now, EstimateBytes(key, publication));
        while (true)
        {
            var existing = _entries.GetOrAdd(key, entry);
            if (existing == entry)
            {
                break;
            }

            if (now - existing.CreatedAt >= options.IdempotencyWindow)
            {
                lock (_gate)
                {
                    if (_entries.TryUpdate(key, entry, existing))
                    {
                        Uncount(existing);
                    }
                }

                continue;
            }

            if (!existing.Fingerprint.AsSpan().SequenceEqual(entry.Fingerprint))
            {
                return IdempotentOutcome.ConflictFor(key, options.IdempotencyWindow);
            }

            try
            {
                var original = await existing.Result.Task.WaitAsync(cancellationToken);
                return new IdempotentOutcome(original with { Duplicate = true }, null);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested && existing.Result.Task.IsFaulted)
            {
                // The publish this retry waited for failed and published nothing; its key is free again.
            }
        }

        lock (_gate)
        {
            _byAge.Enqueue((key, entry));
            _remembered++;
            _bytes += entry.Bytes;

            // The newest key stays, even alone over MaxIdempotencyBytes: it is the one being published.
            while ((_remembered > options.MaxIdempotencyKeys || _bytes > options.MaxIdempotencyBytes)
                && _byAge.Peek().Entry != entry && _byAge.TryDequeue(out var oldest))
            {
                Forget(oldest.Key, oldest.Entry);
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
            lock (_gate)
            {
                Forget(key, entry);
            }

            entry.Result.SetException(exception);
            throw;
        }
    }

    private static int EstimateBytes(string key, Publication publication)
    {
        var bytes = EntryBytes + (2 * key.Length);
        foreach (var stream in publication.Streams)
        {
            bytes += StreamResultBytes + (2 * stream.Name.Length);
        }

        return bytes;
    }

    private void RemoveExpired(DateTimeOffset now)
    {
        lock (_gate)
        {
            while (_byAge.TryPeek(out var oldest) && now - oldest.Entry.CreatedAt >= options.IdempotencyWindow)
            {
                _byAge.Dequeue();
                Forget(oldest.Key, oldest.Entry);
            }
        }
    }

    /// <summary>Removes the key if it still means this entry. The caller holds the gate.</summary>
    private void Forget(string key, Entry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<string, Entry>(key, entry)))
        {
            Uncount(entry);
        }
    }

    /// <summary>The caller holds the gate.</summary>
    private void Uncount(Entry entry)
    {
        _remembered--;
        _bytes -= entry.Bytes;
    }

    private sealed class Entry(byte[] fingerprint, DateTimeOffset createdAt, int bytes)
    {
        public byte[] Fingerprint { get; } = fingerprint;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public int Bytes { get; } = bytes;

        public TaskCompletionSource<HeraldPublishResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
