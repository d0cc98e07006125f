namespace Herald.Tests.WebSockets.Conformance;

/// <summary>Bytes to write (built when the step runs, so large cases cost nothing until then), how to cut them, and what must follow.</summary>
public sealed record ConformanceStep(Func<byte[]> Wire, WritePlan Plan, Expectation Expect);
