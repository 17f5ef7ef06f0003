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
