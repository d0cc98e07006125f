using System.Diagnostics;
using Herald.Bench.Measure;
using Herald.Bench.Net;

namespace Herald.Bench.Publishing;

/// <summary>Publishes each message with its own <c>GET /send</c>, to user <c>userIds[seq % userIds.Length]</c>.</summary>
internal sealed class SendPublisher(HeraldApiClient api, string[] userIds) : IPublisher
{
    public int MessagesPerCall => 1;

    public async ValueTask<PublishOutcome> PublishAsync(long firstSeq, CancellationToken cancellationToken)
    {
        var user = (int)(firstSeq % userIds.Length);
        var message = BenchMessage.Format(user, firstSeq, Stopwatch.GetTimestamp());
        var (delivered, _) = await api.SendAsync(userIds[user], message, cancellationToken);
        return delivered >= 0 ? new PublishOutcome(1, delivered, 0) : new PublishOutcome(0, 0, 1);
    }
}
