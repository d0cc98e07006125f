namespace Herald.Client;

/// <summary>Whether a user is connected, as <c>GET /api/v1/users/{uid}</c> reports it.</summary>
/// <param name="Uid">The user ID asked about.</param>
/// <param name="Online">True when the user has at least one logged-in connection.</param>
/// <param name="Connections">How many logged-in connections the user has.</param>
public sealed record HeraldUserPresence(string Uid, bool Online, int Connections);
