using System.Text;

namespace Herald.Routing;

/// <summary>The reason text a disconnect sends in its Close frame, shared by the HTTP API and <see cref="IHeraldHub"/>.</summary>
internal static class DisconnectReason
{
    public const string Default = "disconnected by the server";

    // A Close frame carries at most 123 bytes of reason; this leaves room and keeps reasons short.
    public const int MaxBytes = 100;

    /// <returns>Null when <paramref name="reason"/> may be sent, else why not.</returns>
    public static string? Validate(string? reason)
    {
        if (reason is null)
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetByteCount(reason);
        return bytes > MaxBytes ? $"reason must be at most {MaxBytes} bytes of UTF-8 (was {bytes})" : null;
    }
}
