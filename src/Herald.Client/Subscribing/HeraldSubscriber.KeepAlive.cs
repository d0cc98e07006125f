using System.Net.WebSockets;
using Herald.Client.Subscribing;

namespace Herald.Client;

public sealed partial class HeraldSubscriber
{
    private static readonly TimeSpan MinKeepAliveCheck = TimeSpan.FromMilliseconds(10);

    // Notices a connection that died without a word (a laptop's sleep, a NAT that forgot it), which TCP may not
    // report for many minutes: after KeepAliveInterval without a frame from the server, a herald.v1 ping; without
    // any frame within KeepAliveTimeout of it, the connection is aborted and the subscriber reconnects. While the
    // receive loop waits for the application to make room in the buffer it reads nothing, so that silence does
    // not count.
    private async Task KeepAliveAsync(SubscriberConnection connection, CancellationToken cancellationToken)
    {
        var time = _options.TimeProvider;
        var interval = _options.KeepAliveInterval;
        var timeout = _options.KeepAliveTimeout;
        var period = TimeSpan.FromTicks(Math.Max(MinKeepAliveCheck.Ticks, Math.Min(interval.Ticks, timeout == Timeout.InfiniteTimeSpan ? interval.Ticks : timeout.Ticks) / 4));
        using var timer = new PeriodicTimer(period, time);
        long? pingSentAt = null;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var lastHeard = connection.LastHeard;
                if (connection.IsDelivering || (pingSentAt is { } sent && lastHeard > sent))
                {
                    pingSentAt = null;
                }
                else if (pingSentAt is null && time.GetElapsedTime(lastHeard) >= interval)
                {
                    pingSentAt = time.GetTimestamp();
                    await SendAsync(connection, ClientEnvelopes.Ping(), cancellationToken);
                }
                else if (pingSentAt is { } unanswered && timeout != Timeout.InfiniteTimeSpan && time.GetElapsedTime(unanswered) >= timeout)
                {
                    connection.AbortUnanswered();
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
            // The connection ended; the receive loop reports how.
        }
    }
}
