namespace Herald;

/// <summary>
/// The health check <c>AddHerald()</c> registers with ASP.NET Core's health checks, for an app's readiness
/// endpoint: <c>app.MapHealthChecks("/readyz", new() { Predicate = c => c.Tags.Contains(HeraldHealthChecks.ReadinessTag) })</c>
/// (docs/operations.md).
/// </summary>
public static class HeraldHealthChecks
{
    /// <summary>The check's name: Healthy while Herald accepts connections, Unhealthy while it starts or shuts down.</summary>
    public const string Name = "herald";

    /// <summary>The tag of every check that says whether this node should get traffic.</summary>
    public const string ReadinessTag = "ready";
}
