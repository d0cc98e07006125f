using System.Text.Json;
using System.Text.Json.Serialization;

namespace TaskRunner;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(JobRequest))]
[JsonSerializable(typeof(JobAccepted))]
[JsonSerializable(typeof(JobProgress))]
[JsonSerializable(typeof(SampleConfig))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;
