using System.Buffers;
using System.Net;
using System.Text;
using Herald.Auth;
using Herald.Delivery;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Herald.Api;

/// <summary>
/// The seed's <c>GET /send?uid=&amp;message=</c> answered in front of ASP.NET Core (<c>Herald:Api:DirectSend</c>),
/// for exactly the requests that ASP.NET Core's path would let in unchecked and answer 200: a loopback caller while
/// no API key is configured, under Herald's own policy, with a valid uid and message, on an app that filters no
/// host names. The caller has read a plain head of a mapped <c>/send</c> path (<c>Sockets/SocketSendRequests</c>);
/// whatever this declines is left to ASP.NET Core untouched, which answers (or refuses) it as before, with its own
/// problem details and log lines.
/// </summary>
internal sealed class DirectSendEndpoint
{
    private readonly Publisher _publisher;
    private readonly ApiRequestGate _gate;
    private readonly ApiAccessLog _log;
    private readonly ApiRequestCounts _requests;

    public DirectSendEndpoint(Publisher publisher, ApiRequestGate gate, ApiAccessLog log, ApiRequestCounts requests, HeraldOptions options, IOptions<HostFilteringOptions> hostFiltering)
    {
        _publisher = publisher;
        _gate = gate;
        _log = log;
        _requests = requests;

        // The host filtering middleware, which every web host runs, refuses other hosts once a name is listed.
        IsOn = options.Api.DirectSend && hostFiltering.Value.AllowedHosts.All(static host => host == "*");
    }

    /// <summary>Whether any request is answered here.</summary>
    public bool IsOn { get; }

    /// <summary>Reads a plain GET of a mapped <c>/send</c> path from <paramref name="caller"/>, and tells whether it is answered here.</summary>
    /// <param name="caller">The TCP peer.</param>
    /// <param name="path">The mapped path the request named.</param>
    /// <param name="query">The request's raw query with its <c>'?'</c>, or empty; the head parser let only RFC 3986 query characters through.</param>
    /// <param name="send">The valid uid and message, when the answer is true.</param>
    public bool TryRead(IPAddress? caller, string path, in ReadOnlySequence<byte> query, out DirectSendRequest send)
    {
        send = default;
        if (!IsOn || !_gate.LetsPublishIn(caller))
        {
            return false;
        }

        // ASCII, so a string of it is what Kestrel would make of it.
        var (uid, message) = SendRequestReader.ReadQuery(query.IsEmpty ? null : Encoding.ASCII.GetString(query));
        if (_publisher.ValidateUserId(uid) is not null || _publisher.ValidateMessage(message) is not null)
        {
            return false;
        }

        send = new DirectSendRequest(path, uid!, message!, caller);
        return true;
    }

    /// <summary>Sends what <see cref="TryRead"/> read, once its head has been taken from the connection.</summary>
    /// <returns>How many connections the message was queued for.</returns>
    /// <remarks>
    /// Counted in <c>herald.api.requests</c> as ASP.NET Core's path counts it: 200, 503 when the cluster cannot
    /// answer (<see cref="BackplaneUnavailableException"/>), or 500 when the publish fails otherwise.
    /// </remarks>
    public ValueTask<int> SendAsync(in DirectSendRequest send)
    {
        _log.AcceptedLoopback("GET", send.Path, send.Caller);
        ValueTask<int> sending;
        try
        {
            sending = _publisher.SendToUserAsync(send.Uid, send.Message, CancellationToken.None);
        }
        catch (Exception exception)
        {
            _requests.Answered.Add(ApiCaller.NoKey, StatusOf(exception));
            throw;
        }

        if (!sending.IsCompletedSuccessfully)
        {
            return CountedAsync(sending);
        }

        _requests.Answered.Add(ApiCaller.NoKey, StatusCodes.Status200OK);
        return sending;
    }

    private static int StatusOf(Exception exception) =>
        exception is BackplaneUnavailableException ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;

    private async ValueTask<int> CountedAsync(ValueTask<int> sending)
    {
        int delivered;
        try
        {
            delivered = await sending;
        }
        catch (Exception exception)
        {
            _requests.Answered.Add(ApiCaller.NoKey, StatusOf(exception));
            throw;
        }

        _requests.Answered.Add(ApiCaller.NoKey, StatusCodes.Status200OK);
        return delivered;
    }
}

/// <summary>A send that <see cref="DirectSendEndpoint"/> answers: its mapped path, its valid uid and message, and who asked.</summary>
internal readonly record struct DirectSendRequest(string Path, string Uid, string Message, IPAddress? Caller);
