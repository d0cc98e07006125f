using System.Net;
using System.Net.Http.Json;

namespace Herald.Client;

public sealed partial class HeraldPublisher
{
    /// <summary>
    /// Publishes one message to the users, topics and broadcast it names (<c>POST /api/v1/publish</c>). Each target
    /// stream gives it its next sequence number and keeps it in its history, so a subscriber that reconnects later
    /// still gets it.
    /// </summary>
    /// <returns>The message's ID and where it landed; <see cref="HeraldPublishResult.Duplicate"/> for an idempotent retry.</returns>
    /// <exception cref="HeraldApiException">Herald refused the publication (400), or its idempotency key was used for a different message (422).</exception>
    public async Task<HeraldPublishResult> PublishAsync(HeraldPublication publication, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publication);
        using var content = JsonContent.Create(PublishBody.From(publication), PublishingJsonContext.Default.PublishBody);
        return await PostAsync("api/v1/publish", content, PublishingJsonContext.Default.HeraldPublishResult, cancellationToken);
    }

    /// <summary>
    /// Publishes many independent messages in one request (<c>POST /api/v1/publish/batch</c>), in order: two items
    /// for the same stream keep their order. An invalid item is refused on its own and does not stop the others.
    /// An empty batch sends nothing and returns an empty list.
    /// </summary>
    /// <returns>One result per publication, in the same order.</returns>
    /// <exception cref="HeraldApiException">
    /// Herald refused the batch as a whole and published nothing: too many items (400) or too many bytes (413).
    /// </exception>
    public async Task<IReadOnlyList<HeraldBatchItemResult>> PublishBatchAsync(IEnumerable<HeraldPublication> publications, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publications);
        var items = new List<PublishBody>();
        foreach (var publication in publications)
        {
            ArgumentNullException.ThrowIfNull(publication, nameof(publications));
            items.Add(PublishBody.From(publication));
        }

        if (items.Count == 0)
        {
            return [];
        }

        using var content = JsonContent.Create(new BatchBody(items), PublishingJsonContext.Default.BatchBody);
        var answer = await PostAsync("api/v1/publish/batch", content, PublishingJsonContext.Default.BatchAnswer, cancellationToken);
        var results = answer.Results ?? [];
        if (results.Count != items.Count)
        {
            // Pairing results with items by position is the batch's contract; a count that differs breaks it.
            throw new HeraldApiException(HttpStatusCode.OK, null, $"Herald answered {results.Count} results for a batch of {items.Count} messages.");
        }

        var itemResults = new HeraldBatchItemResult[results.Count];
        for (var i = 0; i < results.Count; i++)
        {
            itemResults[i] = ToItemResult(results[i]);
        }

        return itemResults;
    }

    private static HeraldBatchItemResult ToItemResult(BatchItemAnswer item)
    {
        var status = (HttpStatusCode)item.Status;
        if (item.Status is >= 200 and < 300 && item.Id is not null)
        {
            return new HeraldBatchItemResult(status, new HeraldPublishResult(item.Id, item.Delivered, item.Streams ?? [], item.Duplicate), null);
        }

        return new HeraldBatchItemResult(status, null, item.Error ?? $"Herald refused the item with status {item.Status}.");
    }
}
