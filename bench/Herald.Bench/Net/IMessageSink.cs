namespace Herald.Bench.Net;

/// <summary>Where a connection's receive loop hands each complete text message; called concurrently from every connection.</summary>
internal interface IMessageSink
{
    /// <param name="connection">The connection that received it.</param>
    /// <param name="payload">The message's bytes; valid only during the call.</param>
    /// <param name="receivedAt">Stopwatch timestamp taken as the message completed.</param>
    void OnMessage(BenchConnection connection, ReadOnlySpan<byte> payload, long receivedAt);
}
