using System.Text.Json.Serialization;

namespace Herald.Tests.Client;

/// <summary>Source-generated JSON for the typed data the publisher tests send, as an application would.</summary>
[JsonSerializable(typeof(Dictionary<string, int>))]
internal sealed partial class PublisherTestJson : JsonSerializerContext;
