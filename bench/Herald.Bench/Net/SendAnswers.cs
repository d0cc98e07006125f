using System.Text.Json;

namespace Herald.Bench.Net;

/// <summary>Reads a 200 answer to <c>/send</c>: Herald's <c>{"delivered":n}</c>, or the seed's design's plain <c>ok</c>.</summary>
internal static class SendAnswers
{
    /// <summary>The seed's design keeps one connection per user (the last login wins): <c>ok</c> queued one copy.</summary>
    public const int SeedOkCopies = 1;

    /// <exception cref="JsonException">Neither <c>ok</c> nor JSON with a delivered count.</exception>
    public static int ReadDelivered(ReadOnlySpan<byte> body) =>
        body.Trim("\r\n "u8).SequenceEqual("ok"u8) ? SeedOkCopies : PublishAnswers.ReadDelivered(body);
}
