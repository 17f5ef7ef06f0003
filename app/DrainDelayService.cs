using Microsoft.Extensions.Options;

namespace Berth.App;

/// <summary>
/// On shutdown, waits Berth:DrainDelaySeconds before the server stops listening. Runs in the host's "stopping"
/// phase, i.e. after ApplicationStopping (so /ready already answers 503) and before Kestrel's StopAsync.
/// </summary>
public sealed partial class DrainDelayService(IOptions<BerthOptions> options, TimeProvider time, ILogger<DrainDelayService> logger)
    : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(Math.Max(0, options.Value.DrainDelaySeconds));
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

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 10, Level = LogLevel.Information,
        Message = "Shutdown requested: readiness is now 503, draining for {DrainDelaySeconds} s before closing listeners")]
    private static partial void LogDraining(ILogger logger, double drainDelaySeconds);
}
