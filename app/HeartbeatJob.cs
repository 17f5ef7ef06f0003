namespace Berth.App;

/// <summary>The default periodic job: logs one structured heartbeat line per run.</summary>
public sealed partial class HeartbeatJob(WorkerStatus status, ILogger<HeartbeatJob> logger) : IPeriodicJob
{
    public Task RunAsync(CancellationToken cancellationToken)
    {
        LogHeartbeat(logger, status.RunCount + 1);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Heartbeat: periodic job run {Run}")]
    private static partial void LogHeartbeat(ILogger logger, long run);
}
