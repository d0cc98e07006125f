namespace Herald.Client;

/// <summary>One logged-in connection of a user, as <c>GET /api/v1/users/{uid}</c> lists it.</summary>
/// <param name="Id">The connection's ID, as the server's log lines name it.</param>
/// <param name="RemoteAddress">The client's address, as the server sees it.</param>
/// <param name="Flavour">The wire flavour: <c>seed</c> or <c>herald.v1</c>.</param>
/// <param name="ConnectedSince">When the connection opened, in UTC.</param>
/// <param name="QueuedMessages">Messages waiting in its queue.</param>
/// <param name="QueuedBytes">Bytes waiting in its queue.</param>
/// <param name="Topics">The topics it is on (herald.v1); null for a seed connection.</param>
public sealed record HeraldUserConnection(
    long Id,
    string RemoteAddress,
    string Flavour,
    DateTimeOffset ConnectedSince,
    int QueuedMessages,
    int QueuedBytes,
    IReadOnlyList<string>? Topics);
