namespace Berth.App;

/// <summary>What the worker did so far; read by GET / in worker mode. Thread-safe.</summary>
public sealed class WorkerStatus
{
    private readonly Lock _gate = new();
    private long _runCount;
    private long _failureCount;
    private DateTimeOffset? _lastRunAt;

    public long RunCount { get { lock (_gate) { return _runCount; } } }

    public long FailureCount { get { lock (_gate) { return _failureCount; } } }

    public DateTimeOffset? LastRunAt { get { lock (_gate) { return _lastRunAt; } } }

    public void RecordSuccess(DateTimeOffset at)
    {
        lock (_gate)
        {
            _runCount++;
            _lastRunAt = at;
        }
    }

    public void RecordFailure(DateTimeOffset at)
    {
        lock (_gate)
        {
            _failureCount++;
            _lastRunAt = at;
        }
    }
}
