using System.Text.Json;

namespace Herald;

/// <summary>
/// A message to publish in-process with <see cref="IHeraldHub.PublishAsync"/>: the same rules as
/// <c>POST /api/v1/publish</c> (docs/http-api.md). Give at least one target and exactly one of
/// <see cref="Text"/> and <see cref="Json"/>.
/// </summary>
public sealed class HeraldPublication
{
    /// <summary>Users whose streams get the message (<c>user:&lt;uid&gt;</c>).</summary>
    public IReadOnlyList<string> Users { get; init; } = [];

    /// <summary>Topics whose streams get the message (<c>topic:&lt;name&gt;</c>).</summary>
    public IReadOnlyList<string> Topics { get; init; } = [];

    /// <summary>True to send the message to every logged-in connection (the <c>broadcast</c> stream).</summary>
    public bool Broadcast { get; init; }

    /// <summary>The message as text: the seed flavour sends it as it is, herald.v1 as a JSON string.</summary>
    public string? Text { get; init; }

    /// <summary>The message as a JSON value (not null); a JSON string counts as <see cref="Text"/>.</summary>
    public JsonElement? Json { get; init; }

    /// <summary>The conflation key: an undelivered older message with the same key on the same stream is replaced by this one.</summary>
    public string? Key { get; init; }

    /// <summary>Publishes the message once within IdempotencyWindow, however often it is retried with this key.</summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>What a publish did: the message's ID, and its place and reach in every stream it went to.</summary>
/// <param name="Id">The message's ID, the same in every stream (32 hex digits).</param>
/// <param name="Delivered">How many connections it was queued for, over all streams.</param>
/// <param name="Streams">One entry per stream, in the order users, topics, broadcast.</param>
public sealed record HeraldPublishResult(string Id, int Delivered, IReadOnlyList<HeraldStreamResult> Streams)
{
    /// <summary>True when this answers a retry: the message was published by an earlier call with the same idempotency key.</summary>
    public bool Duplicate { get; init; }
}

/// <summary>Where a published message landed in one stream, and how many connections it was queued for there.</summary>
/// <param name="Stream">The stream's name: <c>user:123</c>, <c>topic:orders</c> or <c>broadcast</c>.</param>
/// <param name="Epoch">The stream's epoch.</param>
/// <param name="Seq">The message's seq in the stream.</param>
/// <param name="Delivered">How many connections on the stream it was queued for.</param>
public sealed record HeraldStreamResult(string Stream, string Epoch, long Seq, int Delivered);
