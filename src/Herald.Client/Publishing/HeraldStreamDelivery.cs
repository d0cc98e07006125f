namespace Herald.Client;

/// <summary>Where a published message landed in one stream.</summary>
/// <param name="Stream">The stream's name: <c>user:&lt;uid&gt;</c>, <c>topic:&lt;name&gt;</c> or <c>broadcast</c>.</param>
/// <param name="Epoch">The stream's epoch; a position means something only together with it.</param>
/// <param name="Seq">The message's sequence number in the stream.</param>
/// <param name="Delivered">
/// How many connections on this stream it was queued for. 0 is not a loss: the stream's history keeps the message
/// for a client that resumes later.
/// </param>
public sealed record HeraldStreamDelivery(string Stream, string Epoch, long Seq, int Delivered);
