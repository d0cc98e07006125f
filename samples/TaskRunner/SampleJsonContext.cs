using System.Text.Json;
using System.Text.Json.Serialization;

namespace TaskRunner;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(JobRequest))]
[JsonSerializable(typeof(JobAccepted))]
[JsonSerializable(typeof(JobProgress))]
[JsonSerializable(typeof(SampleConfig))]
[JsonSerializable(typeof(UserJobs))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;
