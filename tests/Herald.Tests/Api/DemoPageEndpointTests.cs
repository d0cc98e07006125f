namespace Herald.Tests.Api;

/// <summary>The demo page at <c>/</c> over HTTP (<see cref="EmbeddedPageEndpointTests"/>); its send form posts back to its origin.</summary>
public sealed class DemoPageEndpointTests() : EmbeddedPageEndpointTests("demo", "/", "DemoPage", "Herald:DemoPage", "'self'");
