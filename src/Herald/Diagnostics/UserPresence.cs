using System.Text.Json.Serialization;

namespace Herald;

/// <summary>Whether a user is connected, as <c>GET /api/v1/users/{uid}</c> returns it.</summary>
/// <param name="Uid">The user ID asked about.</param>
/// <param name="Online">True when the user has at least one logged-in connection (on a cluster: on any live node).</param>
/// <param name="Connections">How many logged-in connections the user has (on a cluster: over the live nodes).</param>
public sealed record UserPresence(string Uid, bool Online, int Connections)
{
    /// <summary>
    /// Each logged-in connection of the user on this node. A property rather than a fourth parameter, so code that
    /// constructs or deconstructs the record keeps compiling.
    /// </summary>
    public IReadOnlyList<UserConnection> ConnectionDetails { get; init; } = [];

    /// <summary>
    /// On a cluster (<see cref="IHeraldHub.GetUserAsync"/> on Redis), each live node the user has logged-in
    /// connections on, with how many; null (and left out of the JSON) on a single node. <see cref="ConnectionDetails"/>
    /// stays the answering node's own connections.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, int>? Nodes { get; init; }
}
