using System.Net.WebSockets;
using Herald.Client.Subscribing;

namespace Herald.Client;

public sealed partial class HeraldSubscriber
{
    // Two refreshes on one connection are at least this far apart: a token that has less left than the server's
    // RefreshNotice when it arrives makes the server say token_expiring again at once, and a provider that mints a
    // new token on every call must not turn that into a loop.
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(1);

    // token_expiring: the server closes the connection with 4011 at the token's expiry unless it gets a newer one.
    // The provider is asked on a task of its own, so that the receive loop reads on while it works; one refresh at
    // a time per connection.
    private void OnTokenExpiring(SubscriberConnection connection)
    {
        if (_options.AccessTokenProvider is not { } provider || connection.Token is null || !connection.Refresh.IsCompleted)
        {
            return;
        }

        var ended = connection.Ended;
        connection.Refresh = Task.Run(() => RefreshAsync(connection, provider, ended), CancellationToken.None);
    }

    // Never throws: what went wrong is kept as the connection's RefreshFailure, which becomes the Error of the 4011
    // that ends the connection at the token's expiry.
    private async Task RefreshAsync(SubscriberConnection connection, Func<CancellationToken, ValueTask<string?>> provider, CancellationToken cancellationToken)
    {
        try
        {
            var time = _options.TimeProvider;
            if (connection.LastRefreshSent is { } sent && MinRefreshInterval - time.GetElapsedTime(sent) is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait, time, cancellationToken);
            }

            var token = await provider(cancellationToken);
            if (string.IsNullOrEmpty(token) || token == connection.Token)
            {
                // The same token again would change nothing; the next login asks the provider once more.
                connection.RefreshFailure = new InvalidOperationException(string.IsNullOrEmpty(token)
                    ? "The AccessTokenProvider gave no token to refresh the connection's with."
                    : "The AccessTokenProvider gave the token the connection already has when the server asked for a newer one.");
                return;
            }

            connection.Token = token;
            connection.LastRefreshSent = time.GetTimestamp();
            await SendAsync(connection, ClientEnvelopes.Refresh(token), cancellationToken);
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException && cancellationToken.IsCancellationRequested)
        {
            // The connection ended meanwhile; the next login asks for a token anyway.
        }
        catch (WebSocketException)
        {
            // The connection broke; the receive loop reports how.
        }
        catch (Exception exception)
        {
            connection.RefreshFailure = exception;
        }
    }

    private static void OnRefreshed(SubscriberConnection connection) => connection.RefreshFailure = null;

    private static void OnRefreshRefused(SubscriberConnection connection, ServerEnvelope envelope)
    {
        var code = envelope.Code ?? "unknown";
        connection.RefreshFailure = new HeraldTokenRefreshException(code, envelope.Message ?? $"Herald refused the refreshed token ({code}).");
    }
}
