namespace Herald;

/// <summary>One logged-in connection of a user, as <c>GET /api/v1/users/{uid}</c> lists it for an operator.</summary>
/// <param name="Id">The connection's ID, as its log lines name it.</param>
/// <param name="RemoteAddress">The client's address, as log lines show it (a known proxy's forwarded address when one applies).</param>
/// <param name="Flavour">The wire flavour: <c>seed</c> or <c>herald.v1</c>.</param>
/// <param name="ConnectedSince">When the connection opened, in UTC.</param>
/// <param name="QueuedMessages">Messages waiting in its queue, counted against <c>MaxQueuedMessages</c>.</param>
/// <param name="QueuedBytes">Bytes waiting in its queue, counted against <c>MaxQueuedBytes</c>.</param>
/// <param name="Topics">The topics it is on (herald.v1); null for a seed connection, which has none.</param>
public sealed record UserConnection(
    long Id,
    string RemoteAddress,
    string Flavour,
    DateTimeOffset ConnectedSince,
    int QueuedMessages,
    int QueuedBytes,
    IReadOnlyList<string>? Topics);
