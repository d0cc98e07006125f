using Herald.Bench.Cli;

namespace Herald.Bench.Publishing;

/// <summary>How the throughput scenario hands messages to the server.</summary>
internal enum PublishMode
{
    /// <summary>One <c>GET /send</c> per message: the seed's call.</summary>
    Send,

    /// <summary><c>POST /api/v1/publish/batch</c>: many messages, each to its own user, per request.</summary>
    Batch,
}

internal static class PublishModes
{
    /// <exception cref="UsageException">The mode is unknown.</exception>
    public static PublishMode Parse(string value) => value switch
    {
        "send" => PublishMode.Send,
        "batch" => PublishMode.Batch,
        _ => throw new UsageException($"--mode '{value}' is unknown; the modes are send and batch"),
    };

    public static string Name(PublishMode mode) => mode switch
    {
        PublishMode.Send => "send",
        PublishMode.Batch => "batch",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };
}
