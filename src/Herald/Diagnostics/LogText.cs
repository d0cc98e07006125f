namespace Herald.Diagnostics;

/// <summary>Placeholder until the log-safety branch lands.</summary>
internal static class LogText
{
    public static string? Escape(string? value) => value;
}
