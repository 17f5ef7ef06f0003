using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.App;

public sealed record HealthResponse(string Status);

public sealed record ReadinessResponse(string Status);

public sealed record ServiceInfoResponse(
    string Service,
    string Environment,
    string Mode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] WorkerInfo? Worker);

public sealed record WorkerInfo(int IntervalSeconds, long RunCount, long FailureCount, DateTimeOffset? LastRunAt);

public sealed record DelayResponse(int DelayedMs);

public sealed record ErrorResponse(string Error);

/// <summary>Source-generated JSON for every type the API writes (no reflection: Native AOT).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ReadinessResponse))]
[JsonSerializable(typeof(BuildInfo))]
[JsonSerializable(typeof(ServiceInfoResponse))]
[JsonSerializable(typeof(DelayResponse))]
[JsonSerializable(typeof(ErrorResponse))]
public sealed partial class AppJsonContext : JsonSerializerContext;
