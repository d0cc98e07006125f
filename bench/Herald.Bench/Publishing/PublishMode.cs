using Herald.Bench.Cli;

namespace Herald.Bench.Publishing;

/// <summary>How the throughput scenario hands messages to the server.</summary>
internal enum PublishMode
{
    /// <summary>One <c>GET /send</c> per message: the seed's call.</summary>
    Send,
}

internal static class PublishModes
{
    /// <exception cref="UsageException">The mode is unknown, or not available on this server yet.</exception>
    public static PublishMode Parse(string value) => value switch
    {
        "send" => PublishMode.Send,
        "batch" => throw new UsageException("--mode batch is not available: the server has no batch publish API yet; use --mode send"),
        _ => throw new UsageException($"--mode '{value}' is unknown; the only mode is send"),
    };

    public static string Name(PublishMode mode) => mode switch
    {
        PublishMode.Send => "send",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };
}
