namespace Herald;

/// <summary>Whether a user is connected, as <c>GET /api/v1/users/{uid}</c> returns it.</summary>
/// <param name="Uid">The user ID asked about.</param>
/// <param name="Online">True when the user has at least one logged-in connection.</param>
/// <param name="Connections">How many logged-in connections the user has.</param>
public sealed record UserPresence(string Uid, bool Online, int Connections)
{
    /// <summary>
    /// Each logged-in connection of the user on this node. A property rather than a fourth parameter, so code that
    /// constructs or deconstructs the record keeps compiling.
    /// </summary>
    public IReadOnlyList<UserConnection> ConnectionDetails { get; init; } = [];
}
