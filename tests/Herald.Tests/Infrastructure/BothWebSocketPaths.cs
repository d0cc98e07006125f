namespace Herald.Tests.Infrastructure;

/// <summary>
/// A base for test classes that run twice: once with WebSockets accepted through ASP.NET Core, once on the
/// direct Kestrel path. Each such class has two sealed subclasses, one per path.
/// </summary>
public abstract class BothWebSocketPaths(bool direct)
{
    protected bool Direct { get; } = direct;

    protected Task<HeraldTestServer> StartServerAsync(Action<HeraldOptions>? configure = null, TimeProvider? timeProvider = null) =>
        HeraldTestServer.StartAsync(configure, timeProvider, Direct);
}
