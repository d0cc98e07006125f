using Herald.Streams;

namespace Herald.Redis;

/// <summary>
/// The history every node resumes from, kept in Redis. A read waits until this node receives the stream's live
/// messages (its first subscriber made it subscribe), so nothing published after the read can pass the joining
/// subscription by: the join race of docs/scaling.md. Without Redis a read fails with
/// <see cref="BackplaneUnavailableException"/>, and the joining connection is told to come back later.
/// </summary>
internal sealed class RedisHistory(StreamChannels channels, RedisHistoryStore store, HeraldRedisOptions options) : IHistory
{
    public async ValueTask<HistoryRead> ReadAsync(StreamId stream, StreamPosition? after, CancellationToken cancellationToken)
    {
        try
        {
            await channels.WhenReadyAsync(stream).WaitAsync(cancellationToken);
            return await store.ReadAsync(stream, after);
        }
        catch (Exception exception) when (RedisUnavailable.Is(exception))
        {
            throw RedisUnavailable.From(exception, options);
        }
    }
}
