using Microsoft.Extensions.Options;

namespace Berth.App;

/// <summary>
/// Worker mode: runs <see cref="IPeriodicJob"/> once at start, then every Berth:Worker:IntervalSeconds, on the
/// injected <see cref="TimeProvider"/>. A failing run is logged and counted; it does not stop the worker.
/// </summary>
public sealed partial class PeriodicJobWorker(
    IPeriodicJob job,
    WorkerStatus status,
    TimeProvider time,
    IOptions<BerthOptions> options,
    ILogger<PeriodicJobWorker> logger) : BackgroundService
{
    public TimeSpan Interval { get; } = TimeSpan.FromSeconds(options.Value.Worker.IntervalSeconds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(logger, Interval.TotalSeconds);
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host is stopping.
        }

        LogStopped(logger, status.RunCount);
    }

    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        try
        {
            await job.RunAsync(cancellationToken);
            status.RecordSuccess(startedAt);
            LogJobRan(logger, status.RunCount, (time.GetUtcNow() - startedAt).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            status.RecordFailure(startedAt);
            LogJobFailed(logger, ex, status.FailureCount);
        }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Worker started, interval {IntervalSeconds} s")]
    private static partial void LogStarted(ILogger logger, double intervalSeconds);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Periodic job ran (run {RunCount}, {ElapsedMs} ms)")]
    private static partial void LogJobRan(ILogger logger, long runCount, double elapsedMs);

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Periodic job failed (failure {FailureCount})")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, long failureCount);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "Worker stopped after {RunCount} runs")]
    private static partial void LogStopped(ILogger logger, long runCount);
}
