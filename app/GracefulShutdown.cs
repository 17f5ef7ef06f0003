using Microsoft.Extensions.Options;

namespace Berth.App;

/// <summary>
/// The host's stop sequence, seen from the app. On SIGTERM: ApplicationStopping (/ready turns 503), then
/// <see cref="StoppingAsync"/> waits Berth:DrainDelaySeconds (so a load balancer notices) before Kestrel stops
/// accepting and drains; HostOptions.ShutdownTimeout (Berth:ShutdownTimeoutSeconds) bounds all of it. When the
/// timeout cuts requests that were still running, <see cref="StoppedAsync"/> logs how many.
/// </summary>
public sealed partial class GracefulShutdown(
    IOptions<BerthOptions> options,
    InFlightRequests requests,
    TimeProvider time,
    ILogger<GracefulShutdown> logger) : IHostedLifecycleService
{
    /// <param name="cancellationToken">The host's stop token: cancelled when the shutdown timeout elapses.</param>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        requests.ShutdownTimeout = cancellationToken;
        var delay = TimeSpan.FromSeconds(options.Value.DrainDelaySeconds);
        LogDraining(logger, delay.TotalSeconds);
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutdown timeout reached: stop waiting, let the server stop.
        }
    }

    /// <param name="cancellationToken">The same stop token: cancelled here means the timeout cut the shutdown short.</param>
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            LogRequestsCut(logger, options.Value.ShutdownTimeoutSeconds, requests.CutByShutdownTimeout + requests.Active);
        }

        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 10, Level = LogLevel.Information,
        Message = "Shutdown requested: readiness is now 503, draining for {DrainDelaySeconds} s before closing listeners")]
    private static partial void LogDraining(ILogger logger, double drainDelaySeconds);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning,
        Message = "Shutdown timeout of {ShutdownTimeoutSeconds} s reached: {CutRequests} in-flight requests were cut")]
    private static partial void LogRequestsCut(ILogger logger, int shutdownTimeoutSeconds, int cutRequests);
}

/// <summary>Counts the requests being processed, and those the shutdown timeout aborted (the first middleware).</summary>
public sealed class InFlightRequests
{
    private int _active;
    private int _cut;

    public int Active => Volatile.Read(ref _active);

    /// <summary>Requests that ended aborted after the shutdown timeout fired (Kestrel aborts what is left then).</summary>
    public int CutByShutdownTimeout => Volatile.Read(ref _cut);

    /// <summary>Set when shutdown starts.</summary>
    public CancellationToken ShutdownTimeout { get; set; }

    public async Task TrackAsync(HttpContext context, RequestDelegate next)
    {
        Interlocked.Increment(ref _active);
        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
            if (context.RequestAborted.IsCancellationRequested && ShutdownTimeout.IsCancellationRequested)
            {
                Interlocked.Increment(ref _cut);
            }
        }
    }
}
