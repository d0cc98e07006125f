namespace Herald.Client;

/// <summary>What Herald did with a publication (the answer of <c>POST /api/v1/publish</c>).</summary>
/// <param name="Id">The message's ID (32 hex digits), the same in every stream it went to.</param>
/// <param name="Delivered">How many connections it was queued for, over all streams; not an acknowledgement that a client read it.</param>
/// <param name="Streams">Each stream the message went to, in the order users, topics, broadcast.</param>
/// <param name="Duplicate">
/// True when the idempotency key had already been used for this message: nothing was published again, and the
/// rest of this result is the original publish's.
/// </param>
public sealed record HeraldPublishResult(string Id, int Delivered, IReadOnlyList<HeraldStreamDelivery> Streams, bool Duplicate);
