namespace Herald;

/// <summary>The one rule for user IDs, shared by login and the HTTP API so both answer alike.</summary>
internal static class UserIdRules
{
    /// <returns>Null when <paramref name="userId"/> is usable, else the reason it is not, naming <paramref name="field"/>.</returns>
    public static string? Validate(string? userId, int maxLength, string field = "uid")
    {
        if (string.IsNullOrEmpty(userId))
        {
            return $"{field} is required and must not be empty";
        }

        return userId.Length > maxLength
            ? $"{field} must be at most {maxLength} characters (was {userId.Length})"
            : null;
    }
}
