using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Herald.Api;
using Herald.Connections;
using Herald.Diagnostics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Herald.Sockets;

/// <summary>
/// Serves a connection of Herald's socket transport whose requests are sends that <see cref="DirectSendEndpoint"/> answers,
/// one after the other on the bare socket, as Kestrel would serve them with keep-alive: each request is peeked
/// first, and only one Herald answers is taken from the socket; at the first that is not (or that has not arrived
/// whole in the first bytes of it that came), the connection goes to Kestrel with that request and everything
/// after it untouched, so Kestrel serves the rest as a connection of its own.
/// </summary>
/// <remarks>
/// Kestrel's limits apply as in Kestrel: the head's sizes (by the parser), <c>KeepAliveTimeout</c> between
/// requests, and <c>RequestHeadersTimeout</c> for an answer the client does not take (a client that sends requests
/// but reads no answers). Holds a buffer only while a request is answered.
/// </remarks>
internal sealed partial class SocketSendRequests : IDisposable
{
    private const int PeekBytes = 4096;

    private readonly DirectSendEndpoint _send;
    private readonly MappedPrefixes _mappedPrefixes;
    private readonly SendAnswers _answers;
    private readonly HeadDeadlines _stalledAnswers;
    private readonly HeadDeadlines _keepAlive;
    private readonly KestrelServerLimits _limits;
    private readonly ILogger _logger;

    public SocketSendRequests(DirectSendEndpoint send, MappedPrefixes mappedPrefixes, SendAnswers answers, HeadDeadlines headDeadlines, IOptions<KestrelServerOptions> kestrelOptions, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _send = send;
        _mappedPrefixes = mappedPrefixes;
        _answers = answers;
        _stalledAnswers = headDeadlines;
        _limits = kestrelOptions.Value.Limits;
        _keepAlive = new HeadDeadlines(_limits.KeepAliveTimeout, timeProvider);
        _logger = loggerFactory.CreateLogger(LogCategories.Send);
    }

    /// <summary>Whether any request is answered here.</summary>
    public bool IsOn => _send.IsOn;

    /// <summary>
    /// True when the connection's first head, which <paramref name="parser"/> has read, may be a send answered here:
    /// <see cref="ServeAsync"/> reads it again and hands it to Kestrel if not.
    /// </summary>
    public bool MayTake(in RequestHeadParser parser) => _send.IsOn && parser.IsPlainGet;

    /// <summary>Serves the connection's requests, the first of which has arrived, until one is not a send answered here.</summary>
    /// <param name="socket">The connection, none of whose bytes have been taken.</param>
    /// <param name="listener">Where the connection goes when a request is not for Herald.</param>
    /// <param name="unbound">Cancelled when the listener stops: the connection is closed at its next wait.</param>
    public async Task ServeAsync(Socket socket, HeraldSocketListener listener, CancellationToken unbound)
    {
        var peer = PeerOf(socket);
        try
        {
            // A write the socket cannot take at once must not block the thread: this one, or the next request's.
            socket.Blocking = false;

            // Between requests, Kestrel's KeepAliveTimeout, as Kestrel waits.
            while (await AnswerAsync(socket, peer, listener, unbound) && await _keepAlive.WaitForBytesAsync(socket, unbound))
            {
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or IOException)
        {
            // The client left, or a deadline closed the socket.
            SocketClose.Gracefully(socket);
        }
    }

    public void Dispose() => _keepAlive.Dispose();

    private static IPAddress? PeerOf(Socket socket) => (socket.RemoteEndPoint as IPEndPoint)?.Address;

    /// <summary>Answers the request that has arrived, or hands the connection to Kestrel.</summary>
    /// <returns>Whether the connection is still Herald's, to wait for its next request.</returns>
    private async ValueTask<bool> AnswerAsync(Socket socket, IPAddress? peer, HeraldSocketListener listener, CancellationToken unbound)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(PeekBytes);
        try
        {
            var peekedLength = socket.Receive(buffer, SocketFlags.Peek);
            if (peekedLength == 0)
            {
                // The client has sent all it will; Kestrel too closes a connection that ends between requests.
                SocketClose.Gracefully(socket);
                return false;
            }

            var peeked = new ReadOnlySequence<byte>(buffer, 0, peekedLength);
            var parser = new RequestHeadParser(_limits);
            parser.Parse(peeked);
            if (!parser.IsPlainGet
                || MappedPrefixes.Find(_mappedPrefixes.SendPaths, parser.Path(peeked)) is not { } sendPath
                || !_send.TryRead(peer, sendPath, parser.Query(peeked), out var request))
            {
                // As Kestrel's transport would have had it from the accept.
                socket.Blocking = true;
                listener.HandToKestrel(socket);
                return false;
            }

            var close = parser.AsksToClose;
            Take(socket, buffer, (int)parser.HeadLength);
            int answerLength;
            try
            {
                var delivered = await _send.SendAsync(request);
                answerLength = _answers.WriteDelivered(buffer, delivered, close);
            }
            catch (BackplaneUnavailableException unavailable)
            {
                // As ASP.NET Core's path answers it: a 503 the client may retry on the same connection.
                answerLength = _answers.WriteUnavailable(buffer, unavailable, close);
            }
            catch (Exception exception)
            {
                // What Kestrel does for an endpoint that throws before its answer has begun.
                Log.DirectSendFailed(_logger, exception);
                answerLength = _answers.WriteFailed(buffer);
                close = true;
            }

            await SendAsync(socket, buffer.AsMemory(0, answerLength), unbound);
            if (close)
            {
                SocketClose.Gracefully(socket);
            }

            return !close;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Takes the head Herald answers from the socket; it has been peeked, so it is there whole.</summary>
    private static void Take(Socket socket, byte[] buffer, int headLength)
    {
        for (var taken = 0; taken < headLength;)
        {
            var read = socket.Receive(buffer, taken, headLength - taken, SocketFlags.None);
            taken += read > 0 ? read : throw new IOException("the client left during its request");
        }
    }

    /// <summary>Writes the answer; one the socket cannot take at once has <c>RequestHeadersTimeout</c> to go, or the connection is closed.</summary>
    private async ValueTask SendAsync(Socket socket, ReadOnlyMemory<byte> answer, CancellationToken unbound)
    {
        var sent = socket.Send(answer.Span, SocketFlags.None, out var error);
        if (sent == answer.Length)
        {
            return;
        }

        if (error is not (SocketError.Success or SocketError.WouldBlock))
        {
            throw new SocketException((int)error);
        }

        var wait = _stalledAnswers.Start(socket, unbound);
        try
        {
            while (sent < answer.Length)
            {
                sent += await socket.SendAsync(answer[sent..], SocketFlags.None, CancellationToken.None);
            }
        }
        finally
        {
            _stalledAnswers.End(wait);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.DirectSendFailed, LogLevel.Error, "A send answered before ASP.NET Core failed; the caller got 500 and its connection was closed", EventName = "DirectSendFailed")]
        public static partial void DirectSendFailed(ILogger logger, Exception exception);
    }
}
