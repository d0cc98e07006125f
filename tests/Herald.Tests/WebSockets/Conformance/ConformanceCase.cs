namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// One conformance case as data: an id after the Autobahn|Testsuite case it follows (or a Herald-specific one),
/// what it does, and its steps. Runs against any <see cref="IConformanceServer"/> with <see cref="ConformanceRunner"/>.
/// </summary>
public sealed record ConformanceCase(string Id, string Description, IReadOnlyList<ConformanceStep> Steps)
{
    /// <summary>A case of one step.</summary>
    public static ConformanceCase Of(string id, string description, Expectation expect, WritePlan plan, Func<byte[]> wire) =>
        new(id, description, [new ConformanceStep(wire, plan, expect)]);

    /// <summary>A case of one step whose frames are written in one write.</summary>
    public static ConformanceCase Of(string id, string description, Expectation expect, params WireFrame[] frames) =>
        Of(id, description, expect, WritePlan.Whole, () => WireFrame.Concat(frames));

    /// <summary>A case of one step whose frames are cut as <paramref name="plan"/> says.</summary>
    public static ConformanceCase Of(string id, string description, Expectation expect, WritePlan plan, params WireFrame[] frames) =>
        Of(id, description, expect, plan, () => WireFrame.Concat(frames));

    public override string ToString() => $"{Id}: {Description}";
}
