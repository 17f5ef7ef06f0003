using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.App;

/// <summary>Source-generated JSON for every type the API writes (no reflection: Native AOT).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ReadinessResponse))]
[JsonSerializable(typeof(BuildInfo))]
[JsonSerializable(typeof(ServiceInfoResponse))]
[JsonSerializable(typeof(DelayResponse))]
[JsonSerializable(typeof(ErrorResponse))]
public sealed partial class AppJsonContext : JsonSerializerContext;
