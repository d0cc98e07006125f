namespace Herald.Bench.Cli;

/// <summary>The scenario could not run to a result (server unreachable, no connection opened); the message says why.</summary>
internal sealed class BenchFailedException(string message) : Exception(message);
