using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Herald.Client;

/// <summary>
/// The outcome of one item of <see cref="HeraldPublisher.PublishBatchAsync"/>: either published
/// (<see cref="Result"/>) or refused on its own (<see cref="Error"/>), without stopping the other items.
/// </summary>
/// <param name="Status">What the item would have got from <c>POST /api/v1/publish</c>: 200, 400 or 422.</param>
/// <param name="Result">The publish result when the item was published; null when it was refused.</param>
/// <param name="Error">Why the item was refused, such as <c>topics[0] must be 1 to 128 characters ...</c>; null when it was published.</param>
public sealed record HeraldBatchItemResult(HttpStatusCode Status, HeraldPublishResult? Result, string? Error)
{
    /// <summary>True when the item was published (or was an idempotent duplicate); <see cref="Result"/> is then set.</summary>
    [MemberNotNullWhen(true, nameof(Result))]
    public bool Succeeded => Result is not null;
}
