using System.Text.Json;

namespace Herald.Bench.Net;

/// <summary>What a <c>POST /api/v1/publish/batch</c> answer says, summed over its results.</summary>
/// <param name="Accepted">Results with status 200.</param>
/// <param name="Queued">Their "delivered" counts, summed: copies the server queued.</param>
/// <param name="Results">Results in the answer, whatever their status.</param>
internal readonly record struct BatchAnswer(int Accepted, long Queued, int Results);

/// <summary>
/// Reads the publish answers (docs/http-api.md) with a <see cref="Utf8JsonReader"/>, taking only the top-level
/// counts and skipping the per-stream detail, without allocating.
/// </summary>
internal static class PublishAnswers
{
    /// <summary><c>{"id":...,"delivered":n,"streams":[...]}</c>: n.</summary>
    /// <exception cref="JsonException">Not JSON, or no top-level delivered.</exception>
    public static int ReadDelivered(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("delivered"u8))
            {
                reader.Read();
                return reader.GetInt32();
            }
        }

        throw new JsonException("the publish answer has no delivered count");
    }

    /// <summary><c>{"results":[{"status":200,"delivered":n,...},...]}</c>: the results, summed.</summary>
    /// <exception cref="JsonException">Not JSON.</exception>
    public static BatchAnswer ReadBatch(ReadOnlySpan<byte> json)
    {
        // Depth 0 is the answer, 1 its "results" array, 2 each result, 3 a result's own properties (4 and 5: its streams).
        const int ResultProperty = 3;
        var reader = new Utf8JsonReader(json);
        int accepted = 0, results = 0;
        long queued = 0;
        while (reader.Read())
        {
            if (reader.CurrentDepth != ResultProperty || reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.ValueTextEquals("status"u8))
            {
                reader.Read();
                results++;
                accepted += reader.GetInt32() == 200 ? 1 : 0;
            }
            else if (reader.ValueTextEquals("delivered"u8))
            {
                reader.Read();
                queued += reader.GetInt32();
            }
        }

        return new BatchAnswer(accepted, queued, results);
    }
}
