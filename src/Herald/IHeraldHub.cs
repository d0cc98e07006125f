namespace Herald;

/// <summary>
/// Herald from inside the process that hosts it: push to users and read the hub's state without going
/// through HTTP. Resolve it from dependency injection after <c>AddHerald()</c>.
/// </summary>
public interface IHeraldHub
{
    /// <summary>Sends <paramref name="message"/> as a text frame to every live connection of the user.</summary>
    /// <returns>How many connections the message was queued for; 0 when the user has none.</returns>
    /// <exception cref="ArgumentException">The user ID or the message breaks the configured limits.</exception>
    ValueTask<int> SendToUserAsync(string userId, string message, CancellationToken cancellationToken = default);

    /// <summary>The hub's counts and running totals right now.</summary>
    HubStats GetStats();

    /// <summary>Whether the user is connected to this node, and with how many connections.</summary>
    /// <exception cref="ArgumentException">The user ID breaks the configured limits.</exception>
    UserPresence GetUser(string userId);
}
