using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using Herald.Protocol;
using Herald.WebSockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Herald.Connections;

/// <summary>
/// Reads a request head as it arrives and decides whether it is a WebSocket upgrade that the direct path may take:
/// strict on every byte, so that it takes only what ASP.NET Core would accept with 101 too, and declines the rest
/// (with one <see cref="UpgradeDeclineReason"/>) as soon as the bytes show it, so that Kestrel's own parser answers
/// it at once. A head declined only for not being an upgrade has passed every rule, and <see cref="IsPlainGet"/>
/// says whether it is an ordinary GET that asks nothing more of the connection, which the direct <c>/send</c> may
/// answer. Modelled on Kestrel's <c>HttpParser</c>: lines are found in the
/// <see cref="ReadOnlySequence{T}"/> itself, and nothing is allocated: what an upgrade needs is kept as flags, the
/// key's 24 bytes and the path's length (the path is read from the buffer, which still holds it).
/// </summary>
/// <remarks>
/// A struct, so that the middleware keeps it inside its own state instead of as an object of its own; use it as
/// a local, never a copy. Nothing is consumed: each call gets the buffer from the start of the connection and goes on after the lines it
/// has already read, so a head that arrives in many reads is read once. Kestrel's limits are checked on every
/// read, whether or not the end of the head is in the buffer yet.
/// </remarks>
internal struct RequestHeadParser(KestrelServerLimits limits)
{
    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';

    private readonly int _maxRequestLineSize = limits.MaxRequestLineSize;

    // Kestrel lets the header lines and the blank line after them take MaxRequestHeadersTotalSize plus that CRLF.
    private readonly long _maxHeaderBytes = (long)limits.MaxRequestHeadersTotalSize + 2;
    private readonly int _maxHeaderCount = limits.MaxRequestHeaderCount;

    private HeadParseStatus _status;
    private long _parsed;
    private bool _inHeaders;
    private long _headerBytes;
    private int _headerCount;

    private WebSocketKeyBytes _key;
    private bool _hasKey;
    private bool _keyValid;
    private SubprotocolOffers _subprotocols;
    private bool _hasHost;
    private bool _hasUpgrade;
    private bool _upgradesToWebSocket;
    private bool _connectionUpgrade;
    private bool _hasVersion;
    private bool _isVersion13;
    private bool _asksMoreOfConnection;
    private bool _asksToClose;
    private bool _isPlainGet;

    private static ReadOnlySpan<byte> Get => "GET "u8;

    private static ReadOnlySpan<byte> Http11 => "HTTP/1.1"u8;

    /// <summary>Why the head was declined, once <see cref="Parse"/> has answered <see cref="HeadParseStatus.Declined"/>.</summary>
    public UpgradeDeclineReason? DeclineReason { get; private set; }

    /// <summary>The length of the head with its blank line, once <see cref="Parse"/> has answered <see cref="HeadParseStatus.Complete"/>.</summary>
    public long HeadLength { get; private set; }

    /// <summary>
    /// The length of the request's path (without its query), which starts right after <c>"GET "</c>; see
    /// <see cref="Path"/>.
    /// </summary>
    public int PathLength { get; private set; }

    /// <summary>The length of the request target (path and query), which starts right after <c>"GET "</c>.</summary>
    public int TargetLength { get; private set; }

    /// <summary>
    /// True for a whole head that passed every rule and is no upgrade: no <c>Upgrade</c>, no <c>Expect</c>, no
    /// forwarded client (<c>Forwarded</c>, <c>X-Forwarded-*</c>, which an app's middleware may read), and no
    /// <c>Connection</c> option but <c>keep-alive</c> and <c>close</c>. Kestrel answers such a GET as an ordinary request.
    /// </summary>
    public readonly bool IsPlainGet => _isPlainGet;

    /// <summary>True when the head's <c>Connection</c> asks to close the connection after the answer.</summary>
    public readonly bool AsksToClose => _asksToClose;

    /// <summary>The valid <c>Sec-WebSocket-Key</c>, once <see cref="Parse"/> has answered <see cref="HeadParseStatus.Complete"/>.</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<byte> WebSocketKey => _key;

    /// <summary>The request's path in <paramref name="buffer"/>, the buffer <see cref="Parse"/> last read.</summary>
    public readonly ReadOnlySequence<byte> Path(in ReadOnlySequence<byte> buffer) => buffer.Slice(Get.Length, PathLength);

    /// <summary>The request's query with its <c>'?'</c>, or an empty one, in <paramref name="buffer"/>, the buffer <see cref="Parse"/> last read.</summary>
    public readonly ReadOnlySequence<byte> Query(in ReadOnlySequence<byte> buffer) => buffer.Slice(Get.Length + PathLength, TargetLength - PathLength);

    /// <summary>Which flavour the offered subprotocols ask for: the rule of <see cref="Subprotocols"/>.</summary>
    /// <returns>False when subprotocols were offered and none is Herald's.</returns>
    public readonly bool TrySelectFlavour(out WireFlavour flavour, out string? subprotocol) => Subprotocols.TrySelect(_subprotocols, out flavour, out subprotocol);

    /// <summary>Reads what has arrived: <paramref name="buffer"/> starts where the connection started.</summary>
    /// <returns>Whether the head is a complete upgrade, is declined, or needs more bytes to tell.</returns>
    public HeadParseStatus Parse(in ReadOnlySequence<byte> buffer)
    {
        if (_status != HeadParseStatus.NeedMore)
        {
            return _status;
        }

        if (!_inHeaders && !StartsLikeGet(buffer))
        {
            return Decline(UpgradeDeclineReason.MethodNotGet);
        }

        var reader = new SequenceReader<byte>(buffer.Slice(_parsed));
        while (_status == HeadParseStatus.NeedMore)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, LF))
            {
                return CheckPartialLine(reader.UnreadSequence);
            }

            var lineLength = line.Length + 1;
            if (_inHeaders ? _headerBytes + lineLength > _maxHeaderBytes : lineLength > _maxRequestLineSize)
            {
                return Decline(_inHeaders ? UpgradeDeclineReason.HeadersTooLarge : UpgradeDeclineReason.RequestLineTooLong);
            }

            if (line.IsEmpty || !EndsWithCR(line))
            {
                return Decline(UpgradeDeclineReason.BareLineFeed);
            }

            var content = line.Slice(0, line.Length - 1);
            if (content.PositionOf(CR) is not null)
            {
                return Decline(UpgradeDeclineReason.BareCarriageReturn);
            }

            _parsed += lineLength;
            if (!_inHeaders)
            {
                _inHeaders = true;
                OnLine(content, requestLine: true);
            }
            else if (content.IsEmpty)
            {
                HeadLength = _parsed;
                OnEndOfHead();
            }
            else
            {
                _headerBytes += lineLength;
                if (++_headerCount > _maxHeaderCount)
                {
                    return Decline(UpgradeDeclineReason.TooManyHeaders);
                }

                OnLine(content, requestLine: false);
            }
        }

        return _status;
    }

    private static bool StartsLikeGet(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> start = stackalloc byte[4];
        var length = (int)Math.Min(buffer.Length, start.Length);
        buffer.Slice(0, length).CopyTo(start);
        return Get.StartsWith(start[..length]);
    }

    private static bool EndsWithCR(in ReadOnlySequence<byte> line)
    {
        var reader = new SequenceReader<byte>(line);
        reader.Advance(line.Length - 1);
        return reader.TryPeek(out var last) && last == CR;
    }

    /// <summary>A line whose LF has not arrived: decline now when it is already too long, or already broken.</summary>
    private HeadParseStatus CheckPartialLine(in ReadOnlySequence<byte> partial)
    {
        // The LF can only come after these bytes, so the line will be at least one byte longer.
        if (_inHeaders ? _headerBytes + partial.Length + 1 > _maxHeaderBytes : partial.Length >= _maxRequestLineSize)
        {
            return Decline(_inHeaders ? UpgradeDeclineReason.HeadersTooLarge : UpgradeDeclineReason.RequestLineTooLong);
        }

        // Kestrel refuses these without waiting for the end of the line: a NUL in the request line, a CR followed by
        // anything but LF.
        if (!_inHeaders && partial.PositionOf((byte)0) is not null)
        {
            return Decline(UpgradeDeclineReason.InvalidRequestLine);
        }

        var reader = new SequenceReader<byte>(partial);
        while (reader.TryAdvanceTo(CR))
        {
            if (reader.TryPeek(out var next) && next != LF)
            {
                return Decline(UpgradeDeclineReason.BareCarriageReturn);
            }
        }

        return HeadParseStatus.NeedMore;
    }

    private void OnLine(in ReadOnlySequence<byte> content, bool requestLine)
    {
        if (content.IsSingleSegment)
        {
            OnLine(content.FirstSpan, requestLine);
            return;
        }

        // A line across segments (the pipe's blocks are 4 KiB): copy it once. Its length is within the limits.
        var length = (int)content.Length;
        var rented = length > 256 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> copy = rented is null ? stackalloc byte[256] : rented;
        content.CopyTo(copy);
        OnLine(copy[..length], requestLine);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void OnLine(ReadOnlySpan<byte> line, bool requestLine)
    {
        if (requestLine)
        {
            OnRequestLine(line);
        }
        else
        {
            OnHeaderLine(line);
        }
    }

    /// <summary><c>GET SP request-target SP HTTP-version</c> (RFC 9112 §3), single spaces; the method was checked first.</summary>
    private void OnRequestLine(ReadOnlySpan<byte> line)
    {
        if (line.Contains((byte)0))
        {
            // Kestrel ends a request line at a NUL and refuses it; so does an unfinished one, whenever it arrives.
            Decline(UpgradeDeclineReason.InvalidRequestLine);
            return;
        }

        var afterMethod = line[Get.Length..];
        var space = afterMethod.IndexOf((byte)' ');
        if (space <= 0 || afterMethod[(space + 1)..].Contains((byte)' '))
        {
            // No version, an empty target (two spaces after GET), or more than one space before or in the version.
            Decline(UpgradeDeclineReason.InvalidRequestLine);
            return;
        }

        var target = afterMethod[..space];
        if (!HttpSyntax.IsOriginForm(target))
        {
            Decline(UpgradeDeclineReason.InvalidRequestTarget);
            return;
        }

        if (!afterMethod[(space + 1)..].SequenceEqual(Http11))
        {
            Decline(UpgradeDeclineReason.UnsupportedHttpVersion);
            return;
        }

        var query = target.IndexOf((byte)'?');
        PathLength = query < 0 ? target.Length : query;
        TargetLength = target.Length;
    }

    /// <summary><c>field-name ":" OWS field-value OWS</c> (RFC 9112 §5), with no whitespace before the colon and no obs-fold.</summary>
    private void OnHeaderLine(ReadOnlySpan<byte> line)
    {
        if (line[0] is (byte)' ' or (byte)'\t')
        {
            Decline(UpgradeDeclineReason.ObsoleteLineFolding);
            return;
        }

        var nameEnd = line.IndexOfAnyExcept(HttpSyntax.TokenChars);
        var reason = nameEnd < 0 ? UpgradeDeclineReason.MissingColon
            : line[nameEnd] is (byte)' ' or (byte)'\t' ? UpgradeDeclineReason.WhitespaceBeforeColon
            : line[nameEnd] != (byte)':' || nameEnd == 0 ? UpgradeDeclineReason.InvalidHeaderName
            : (UpgradeDeclineReason?)null;
        if (reason is { } invalid)
        {
            Decline(invalid);
            return;
        }

        var value = line[(nameEnd + 1)..].Trim(" \t"u8);
        if (value.ContainsAnyExcept(HttpSyntax.FieldValueChars))
        {
            Decline(UpgradeDeclineReason.InvalidHeaderValue);
            return;
        }

        OnHeader(line[..nameEnd], value);
    }

    private void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (Ascii.EqualsIgnoreCase(name, "Host"u8))
        {
            if (_hasHost || !HttpSyntax.IsValidHost(value))
            {
                Decline(_hasHost ? UpgradeDeclineReason.MultipleHosts : UpgradeDeclineReason.InvalidHost);
            }

            _hasHost = true;
        }
        else if (Ascii.EqualsIgnoreCase(name, "Upgrade"u8))
        {
            if (_hasUpgrade)
            {
                Decline(UpgradeDeclineReason.DuplicateHandshakeHeader);
            }

            _hasUpgrade = true;
            _upgradesToWebSocket = HttpSyntax.ListContainsToken(value, "websocket"u8);
        }
        else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
        {
            // A list: it may come in several lines, as Kestrel reads it.
            _connectionUpgrade |= HttpSyntax.ListContainsToken(value, "upgrade"u8);
            _asksToClose |= HttpSyntax.ListContainsToken(value, "close"u8);
            _asksMoreOfConnection |= !HttpSyntax.ListHoldsOnly(value, "keep-alive"u8, "close"u8);
        }
        else if (Ascii.EqualsIgnoreCase(name, "Expect"u8) || Ascii.EqualsIgnoreCase(name, "Forwarded"u8) || StartsWithIgnoreCase(name, "X-Forwarded-"u8))
        {
            _asksMoreOfConnection = true;
        }
        else if (Ascii.EqualsIgnoreCase(name, "Sec-WebSocket-Key"u8))
        {
            if (_hasKey)
            {
                Decline(UpgradeDeclineReason.DuplicateHandshakeHeader);
            }

            _hasKey = true;
            _keyValid = WebSocketHandshake.IsValidKey(value);
            if (_keyValid)
            {
                value.CopyTo(_key);
            }
        }
        else if (Ascii.EqualsIgnoreCase(name, "Sec-WebSocket-Version"u8))
        {
            if (_hasVersion)
            {
                Decline(UpgradeDeclineReason.DuplicateHandshakeHeader);
            }

            _hasVersion = true;
            _isVersion13 = value.SequenceEqual("13"u8);
        }
        else if (Ascii.EqualsIgnoreCase(name, "Sec-WebSocket-Protocol"u8))
        {
            // A list too, and it may come in several lines.
            Subprotocols.Read(value, ref _subprotocols);
        }
        else if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8) || Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
        {
            Decline(UpgradeDeclineReason.RequestBody);
        }
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> name, ReadOnlySpan<byte> prefix) =>
        name.Length >= prefix.Length && Ascii.EqualsIgnoreCase(name[..prefix.Length], prefix);

    /// <summary>The handshake's own checks, in the order ASP.NET Core's path makes them (426 before 400).</summary>
    private void OnEndOfHead()
    {
        _isPlainGet = _hasHost && !_hasUpgrade && !_connectionUpgrade && !_asksMoreOfConnection;
        UpgradeDeclineReason? reason =
            !_hasHost ? UpgradeDeclineReason.MissingHost
            : !_upgradesToWebSocket || !_connectionUpgrade ? UpgradeDeclineReason.NotWebSocketUpgrade
            : !_isVersion13 ? UpgradeDeclineReason.UnsupportedWebSocketVersion
            : !_keyValid ? UpgradeDeclineReason.InvalidWebSocketKey
            : null;
        if (reason is { } declined)
        {
            Decline(declined);
            return;
        }

        _status = HeadParseStatus.Complete;
    }

    private HeadParseStatus Decline(UpgradeDeclineReason reason)
    {
        // The first reason found is the one reported.
        if (_status == HeadParseStatus.NeedMore)
        {
            DeclineReason = reason;
            _status = HeadParseStatus.Declined;
        }

        return _status;
    }
}

/// <summary>What <see cref="RequestHeadParser.Parse"/> found so far.</summary>
internal enum HeadParseStatus
{
    /// <summary>The head so far could still be an upgrade the direct path takes.</summary>
    NeedMore,

    /// <summary>A whole head that the direct path takes: the parser's path, key and flavour say what it asks for.</summary>
    Complete,

    /// <summary>Not a head the direct path takes: <see cref="RequestHeadParser.DeclineReason"/> says why.</summary>
    Declined,
}

/// <summary>A <c>Sec-WebSocket-Key</c>'s bytes, inside the parser rather than in a string of their own.</summary>
[InlineArray(WebSocketHandshake.KeyLength)]
internal struct WebSocketKeyBytes
{
    private byte _first;
}
