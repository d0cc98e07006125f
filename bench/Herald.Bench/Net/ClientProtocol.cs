using System.Text;

namespace Herald.Bench.Net;

/// <summary>
/// How a bench connection talks to the server (docs/protocol.md): the seed flavour, which logs in with
/// <c>{"uid":"..."}</c> and receives each message as its raw text, or <c>herald.v1</c>, which logs in with a
/// <c>login</c> envelope, may subscribe to one topic, and receives every message as a JSON envelope. With
/// <see cref="BenchTokens"/>, both log in with a signed token instead of a bare uid.
/// </summary>
internal sealed class ClientProtocol
{
    public const string HeraldV1SubProtocol = "herald.v1";

    private readonly BenchTokens? _tokens;

    private ClientProtocol(string? subProtocol, string? topic, BenchTokens? tokens)
    {
        SubProtocol = subProtocol;
        Topic = topic;
        _tokens = tokens;
    }

    /// <summary>The subprotocol to ask for; null for the seed flavour.</summary>
    public string? SubProtocol { get; }

    /// <summary>The topic each connection subscribes to right after logging in (herald.v1 only); null for none.</summary>
    public string? Topic { get; }

    /// <summary>No subprotocol: the seed flavour. Its connections receive user messages and broadcasts as raw text.</summary>
    public static ClientProtocol Seed(BenchTokens? tokens) => new(null, null, tokens);

    /// <summary>herald.v1, subscribing each connection to <paramref name="topic"/> when it is not null.</summary>
    public static ClientProtocol HeraldV1(string? topic, BenchTokens? tokens) => new(HeraldV1SubProtocol, topic, tokens);

    /// <summary>The text messages a connection sends once open: the login, then the subscription if any.</summary>
    public byte[][] Greeting(string userId)
    {
        // Bench user IDs and topic names are plain ASCII (bench-N, and topic names are checked by the scenario): no escaping needed.
        var credential = _tokens is null ? $"\"uid\":\"{userId}\"" : $"\"token\":\"{_tokens.For(userId)}\"";
        if (SubProtocol is null)
        {
            return [Encoding.UTF8.GetBytes($"{{{credential}}}")];
        }

        var login = Encoding.UTF8.GetBytes($$"""{"type":"login",{{credential}}}""");
        return Topic is null ? [login] : [login, Encoding.UTF8.GetBytes($$"""{"type":"subscribe","topic":"{{Topic}}"}""")];
    }
}
