using System.Text.Json;

namespace Herald.Client;

/// <summary>
/// A message the subscriber received, in the order of its stream. (<see cref="Stream"/>, <see cref="Epoch"/>,
/// <see cref="Seq"/>) is its place there; the subscriber hands each place over at most once.
/// </summary>
/// <param name="Stream">The stream it came on: <c>user:&lt;uid&gt;</c>, <c>topic:&lt;name&gt;</c> or <c>broadcast</c>.</param>
/// <param name="Epoch">The stream's epoch; it changes when the stream's history starts over.</param>
/// <param name="Seq">The message's sequence number in the stream. It may jump over messages the server conflated (see <paramref name="Key"/>).</param>
/// <param name="Id">The message's unique ID (32 hex digits), the same in every stream it was published to.</param>
/// <param name="Time">When Herald accepted it (UTC).</param>
/// <param name="Data">
/// What was published: any JSON value (text sent with <c>/send</c> is a JSON string). It has its own document,
/// so it may be kept for as long as needed.
/// </param>
/// <param name="Key">The conflation key it was published with; null for none.</param>
public sealed record HeraldMessage(string Stream, string Epoch, long Seq, string Id, DateTimeOffset Time, JsonElement Data, string? Key);
