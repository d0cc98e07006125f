namespace Herald.Tests.WebSockets.Conformance;

/// <summary>The server side the cases run against: new connections, and the one way to see a login took effect.</summary>
public interface IConformanceServer
{
    /// <summary>A new WebSocket connection, handshake done, in the seed flavour or the given subprotocol's.</summary>
    Task<IConformancePeer> ConnectAsync(string? subprotocol = null);

    /// <summary>Publishes <paramref name="text"/> to the user (the seed's <c>/send</c>) and returns to how many connections.</summary>
    Task<int> PublishAsync(string uid, string text);

    /// <summary>The errors the server has logged so far; a case may add none.</summary>
    IReadOnlyList<string> LoggedErrors();
}
