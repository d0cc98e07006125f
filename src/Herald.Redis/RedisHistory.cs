using Herald.Streams;

namespace Herald.Redis;

/// <summary>
/// The history every node resumes from, kept in Redis. A read waits until this node receives the stream's live
/// messages (its first subscriber made it subscribe), so nothing published after the read can pass the joining
/// subscription by: the join race of docs/scaling.md.
/// </summary>
internal sealed class RedisHistory(StreamChannels channels, RedisHistoryStore store) : IHistory
{
    public async ValueTask<HistoryRead> ReadAsync(StreamId stream, StreamPosition? after, CancellationToken cancellationToken)
    {
        await channels.WhenReadyAsync(stream).WaitAsync(cancellationToken);
        return await store.ReadAsync(stream, after);
    }
}
