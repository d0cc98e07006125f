namespace Herald.Bench.Cli;

/// <summary>The command line asks for something the generator will not do; the message says what and why.</summary>
internal sealed class UsageException(string message) : Exception(message);
