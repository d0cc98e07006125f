namespace Herald.Client;

/// <summary>Whether a user is connected, as <c>GET /api/v1/users/{uid}</c> reports it.</summary>
/// <param name="Uid">The user ID asked about.</param>
/// <param name="Online">True when the user has at least one logged-in connection (on a cluster: on any live node).</param>
/// <param name="Connections">How many logged-in connections the user has (on a cluster: over the live nodes).</param>
public sealed record HeraldUserPresence(string Uid, bool Online, int Connections)
{
    /// <summary>Each logged-in connection of the user on the node that answered.</summary>
    public IReadOnlyList<HeraldUserConnection> ConnectionDetails { get; init; } = [];

    /// <summary>On a cluster, each live node the user has logged-in connections on, with how many; null from a single node.</summary>
    public IReadOnlyDictionary<string, int>? Nodes { get; init; }
}
