using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Herald.Client;

/// <summary>
/// One message for <see cref="HeraldPublisher.PublishAsync"/> or <see cref="HeraldPublisher.PublishBatchAsync"/>:
/// its data and where it goes. Create it from the data, then name the targets with an initializer or <c>with</c>:
/// <code>
/// HeraldPublication.Text("Order 42 shipped") with { Users = ["123"] }
/// HeraldPublication.Json(progress, AppJson.Default.JobProgress) with { Users = [uid], Key = $"job-{id}" }
/// new HeraldPublication(element) { Topics = ["orders"], IdempotencyKey = "order-42-paid" }
/// </code>
/// At least one target (a user, a topic, or <see cref="Broadcast"/>) is required; the server checks every rule
/// (docs/http-api.md) and refuses what breaks one. An instance is immutable and may be shared between threads.
/// </summary>
public sealed record HeraldPublication
{
    /// <summary>Creates a publication of <paramref name="data"/>, any JSON value but <c>null</c>.</summary>
    /// <param name="data">The message's data. It is cloned, so the caller may dispose its document afterwards.</param>
    public HeraldPublication(JsonElement data)
    {
        if (data.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException("The data must be a JSON value; this JsonElement holds none (default(JsonElement)).", nameof(data));
        }

        Data = data.Clone();
    }

    /// <summary>The message's data; a <c>herald.v1</c> client gets it as the envelope's <c>data</c>.</summary>
    public JsonElement Data { get; }

    /// <summary>The users whose stream (<c>user:&lt;uid&gt;</c>) gets the message; null or empty for none.</summary>
    public IReadOnlyList<string>? Users { get; init; }

    /// <summary>The topics whose stream (<c>topic:&lt;name&gt;</c>) gets the message; null or empty for none.</summary>
    public IReadOnlyList<string>? Topics { get; init; }

    /// <summary>True to send the message to every logged-in connection (the <c>broadcast</c> stream).</summary>
    public bool Broadcast { get; init; }

    /// <summary>
    /// The conflation key: a connection whose queue still holds an older message with this key on the same stream
    /// gets only the newer one (progress bars, live values). Null for none.
    /// </summary>
    public string? Key { get; init; }

    /// <summary>
    /// Makes a retry safe: within the server's idempotency window, a second publish with this key publishes nothing
    /// and answers the first one's result with <see cref="HeraldPublishResult.Duplicate"/> set. Null for none.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>A publication whose data is the JSON string <paramref name="text"/>; a seed-flavour connection gets the text itself.</summary>
    public static HeraldPublication Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new HeraldPublication(JsonSerializer.SerializeToElement(text, PublishingJsonContext.Default.String));
    }

    /// <summary>
    /// A publication whose data is <paramref name="value"/> serialized with <paramref name="typeInfo"/>, typically
    /// from a source-generated context (<c>AppJson.Default.OrderPaid</c>), so that it is trim- and AOT-safe.
    /// </summary>
    public static HeraldPublication Json<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return new HeraldPublication(JsonSerializer.SerializeToElement(value, typeInfo));
    }
}
