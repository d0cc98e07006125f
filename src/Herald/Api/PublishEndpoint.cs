using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Herald.Delivery;
using Herald.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Herald.Api;

/// <summary>
/// <c>POST /api/v1/publish</c> and <c>POST /api/v1/publish/batch</c> (docs/http-api.md): read the JSON body,
/// apply the publication rules, publish, and answer with each message's ID and its seq and reach per stream.
/// </summary>
internal sealed class PublishEndpoint(Publisher publisher, PublicationRules rules, HeraldOptions options, ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger(LogCategories.Publish);

    private const string IdempotencyKeyHeader = "Idempotency-Key";

    // Room for data escaped as JSON (up to 6 bytes per byte, \u00XX), the targets and the field names.
    private readonly long _maxBodyBytes = (6L * options.MaxMessageBytes) + (64 * 1024);

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public async Task PublishAsync(HttpContext context)
    {
        var (body, length, problem) = await ReadBodyAsync(context, _maxBodyBytes);
        if (problem is not null)
        {
            await problem.ExecuteAsync(context);
            return;
        }

        try
        {
            var publication = Parse(body.AsSpan(0, length), context.Request.Headers[IdempotencyKeyHeader].ToString(), out var error);
            if (publication is null)
            {
                ApiLog.PublishRejected(_logger, "request", LogText.Escape(error!));
                await Problems.Status(StatusCodes.Status400BadRequest, "Invalid publish request", error!).ExecuteAsync(context);
                return;
            }

            IdempotentOutcome outcome;
            try
            {
                outcome = await publisher.PublishAsync(publication, context.RequestAborted);
            }
            catch (BackplaneUnavailableException unavailable)
            {
                await Problems.WriteUnavailableAsync(context, unavailable, Problems.PublishUnavailableDetail(unavailable));
                return;
            }

            if (outcome.Conflict is { } conflict)
            {
                ApiLog.PublishRejected(_logger, "idempotencyKey", LogText.Escape(conflict));
                await Problems.Status(StatusCodes.Status422UnprocessableEntity, "Idempotency key reused", conflict).ExecuteAsync(context);
                return;
            }

            await WriteAsync(context.Response, outcome.Result!, static (writer, result) => WriteResult(writer, result));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body!);
        }
    }

    public async Task PublishBatchAsync(HttpContext context)
    {
        var (body, length, problem) = await ReadBodyAsync(context, options.MaxBatchBytes);
        if (problem is not null)
        {
            await problem.ExecuteAsync(context);
            return;
        }

        try
        {
            var items = ParseBatch(body.AsSpan(0, length), out var error);
            if (items is null)
            {
                ApiLog.PublishRejected(_logger, "request", LogText.Escape(error!));
                await Problems.Status(StatusCodes.Status400BadRequest, "Invalid batch", error!).ExecuteAsync(context);
                return;
            }

            var outcomes = new IdempotentOutcome[items.Count];
            var published = false;
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i].Publication is not { } publication)
                {
                    continue;
                }

                try
                {
                    // Once the first message is out, the rest are published too: a batch is not cut short by a client that went away.
                    outcomes[i] = await publisher.PublishAsync(publication, published ? CancellationToken.None : context.RequestAborted);
                    published |= outcomes[i].Result is not null;
                }
                catch (BackplaneUnavailableException unavailable)
                {
                    if (!published)
                    {
                        // Nothing of the batch went out: the whole of it is retried.
                        await Problems.WriteUnavailableAsync(context, unavailable, Problems.PublishUnavailableDetail(unavailable));
                        return;
                    }

                    // The messages before it went out; this one and the rest are refused, each without waiting on Redis again.
                    MarkUnavailable(items, i, Problems.PublishUnavailableDetail(unavailable));
                    break;
                }
            }

            LogRefusedItems(items, outcomes);
            await WriteAsync(context.Response, (items, outcomes), static (writer, state) => WriteBatchResults(writer, state.items, state.outcomes));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body!);
        }
    }

    private Delivery.Publication? Parse(ReadOnlySpan<byte> json, string headerKey, out string? error)
    {
        if ((error = PublishRequestParser.CheckBody(json)) is not null)
        {
            return null;
        }

        var reader = new Utf8JsonReader(json);
        try
        {
            // Utf8JsonReader throws on an empty body and on content after the object, so both are looked at first.
            if (json.Trim(PublishRequestParser.JsonWhitespace).IsEmpty)
            {
                error = "the body is empty: send a JSON object";
                return null;
            }

            reader.Read();
            var draft = PublishRequestParser.ReadMessage(ref reader, json, out error);
            if (draft is null)
            {
                return null;
            }

            if (!json[(int)reader.BytesConsumed..].Trim(PublishRequestParser.JsonWhitespace).IsEmpty)
            {
                error = "the body must hold one JSON object and nothing after it";
                return null;
            }

            if (headerKey.Length > 0)
            {
                if (draft.IdempotencyKey is { } bodyKey && bodyKey != headerKey)
                {
                    error = $"the {IdempotencyKeyHeader} header ('{headerKey}') and idempotencyKey ('{bodyKey}') must agree";
                    return null;
                }

                draft.IdempotencyKey = headerKey;
            }

            return rules.TryCreate(draft.Users, draft.Topics, draft.Broadcast, draft.Content, draft.Key, draft.IdempotencyKey, out error);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string with an escaped lone surrogate (\ud800), which no .NET string can hold.
            error = $"the body is not valid JSON: {exception.Message}";
            return null;
        }
    }

    private List<BatchItem>? ParseBatch(ReadOnlySpan<byte> json, out string? error)
    {
        if ((error = PublishRequestParser.CheckBody(json)) is not null)
        {
            return null;
        }

        var reader = new Utf8JsonReader(json);
        try
        {
            if ((error = PublishRequestParser.ReadBatchStart(ref reader)) is not null)
            {
                return null;
            }

            var items = new List<BatchItem>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (items.Count == options.MaxBatchMessages)
                {
                    error = $"messages may hold at most {options.MaxBatchMessages} items";
                    return null;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    error = $"messages[{items.Count}] must be a JSON object";
                    return null;
                }

                var draft = PublishRequestParser.ReadMessage(ref reader, json, out var itemError);
                var publication = draft is null ? null
                    : rules.TryCreate(draft.Users, draft.Topics, draft.Broadcast, draft.Content, draft.Key, draft.IdempotencyKey, out itemError);
                items.Add(new BatchItem(publication, itemError));
            }

            if (!reader.Read() || reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                error = "the body must have exactly one property, messages: {\"messages\": [...]}";
                return null;
            }

            if (items.Count == 0)
            {
                error = "messages must hold at least one item";
                return null;
            }

            return items;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string with an escaped lone surrogate (\ud800), which no .NET string can hold.
            error = $"the body is not valid JSON: {exception.Message}";
            return null;
        }
    }

    /// <summary>Reads the whole body into a pooled buffer (returned by the caller), or says why it cannot.</summary>
    private static async ValueTask<(byte[]? Body, int Length, IResult? Problem)> ReadBodyAsync(HttpContext context, long limit)
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
        {
            return (null, 0, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type",
                $"Content type '{request.ContentType}' is not accepted: send application/json."));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit;
        }

        try
        {
            while (true)
            {
                var result = await request.BodyReader.ReadAsync(context.RequestAborted);
                if (!result.IsCompleted)
                {
                    request.BodyReader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    continue;
                }

                var length = (int)result.Buffer.Length;
                var body = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
                result.Buffer.CopyTo(body);
                request.BodyReader.AdvanceTo(result.Buffer.End);
                return (body, length, null);
            }
        }
        catch (BadHttpRequestException exception)
        {
            return (null, 0, Problems.Status(exception.StatusCode, "Unreadable request body", exception.Message));
        }
    }

    private static async Task WriteAsync<TState>(HttpResponse response, TState state, Action<Utf8JsonWriter, TState> write)
    {
        response.ContentType = "application/json; charset=utf-8";
        await using (var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions))
        {
            write(writer, state);
        }

        await response.BodyWriter.FlushAsync();
    }

    private static void WriteResult(Utf8JsonWriter writer, HeraldPublishResult result)
    {
        writer.WriteStartObject();
        WriteResultFields(writer, result);
        writer.WriteEndObject();
    }

    private static void WriteResultFields(Utf8JsonWriter writer, HeraldPublishResult result)
    {
        writer.WriteString("id"u8, result.Id);
        writer.WriteNumber("delivered"u8, result.Delivered);
        writer.WriteStartArray("streams"u8);
        foreach (var stream in result.Streams)
        {
            writer.WriteStartObject();
            writer.WriteString("stream"u8, stream.Stream);
            writer.WriteString("epoch"u8, stream.Epoch);
            writer.WriteNumber("seq"u8, stream.Seq);
            writer.WriteNumber("delivered"u8, stream.Delivered);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (result.Duplicate)
        {
            writer.WriteBoolean("duplicate"u8, true);
        }
    }

    /// <summary>One line per batch, not per item: a batch of a thousand bad messages must not write a thousand lines.</summary>
    private void LogRefusedItems(List<BatchItem> items, IdempotentOutcome[] outcomes)
    {
        var refused = 0;
        var first = -1;
        for (var i = 0; i < items.Count; i++)
        {
            if (outcomes[i].Result is null)
            {
                refused++;
                first = first < 0 ? i : first;
            }
        }

        if (refused > 0)
        {
            ApiLog.BatchItemsRefused(_logger, refused, items.Count, first, LogText.Escape(ItemError(items[first], outcomes[first])));
        }
    }

    private static string ItemError(BatchItem item, IdempotentOutcome outcome) => outcome.Conflict ?? item.Error!;

    private static void WriteBatchResults(Utf8JsonWriter writer, List<BatchItem> items, IdempotentOutcome[] outcomes)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("results"u8);
        for (var i = 0; i < items.Count; i++)
        {
            writer.WriteStartObject();
            if (outcomes[i].Result is { } result)
            {
                writer.WriteNumber("status"u8, StatusCodes.Status200OK);
                WriteResultFields(writer, result);
            }
            else
            {
                var conflict = outcomes[i].Conflict;
                writer.WriteNumber("status"u8, conflict is null ? items[i].Status : StatusCodes.Status422UnprocessableEntity);
                writer.WriteString("error"u8, ItemError(items[i], outcomes[i]));
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>
    /// Refuses the batch's messages from <paramref name="first"/> on with 503: they were not published (the first
    /// of them perhaps was, its reply lost, which <paramref name="detail"/> says).
    /// </summary>
    private static void MarkUnavailable(List<BatchItem> items, int first, string detail)
    {
        for (var i = first; i < items.Count; i++)
        {
            if (items[i].Publication is not null)
            {
                items[i] = new BatchItem(null, detail, StatusCodes.Status503ServiceUnavailable);
            }
        }
    }

    /// <summary>One message of a batch: the publication, or why it was refused and with which status.</summary>
    private readonly record struct BatchItem(Delivery.Publication? Publication, string? Error, int Status = StatusCodes.Status400BadRequest);
}
