namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// One connection of a test to a shared conformance server, remembering how many errors the server had logged
/// when it began, so that the test can check at its end that it caused none.
/// </summary>
public sealed class ErrorCheckedSession(IConformanceServer server, int errorsBefore, IConformancePeer peer) : IAsyncDisposable
{
    public IConformancePeer Peer { get; } = peer;

    /// <summary>The last check of a test: the server logged no error since the session began.</summary>
    public void AssertNoErrorLogged()
    {
        var errors = server.LoggedErrors();
        Assert.True(errors.Count == errorsBefore, $"the server logged no error, but it logged: {string.Join(" | ", errors.Skip(errorsBefore))}");
    }

    public ValueTask DisposeAsync() => Peer.DisposeAsync();
}
