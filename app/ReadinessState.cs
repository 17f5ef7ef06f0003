namespace Berth.App;

/// <summary>
/// Ready while the host is serving: from ApplicationStarted until ApplicationStopping (SIGTERM, StopApplication).
/// </summary>
public sealed class ReadinessState(IHostApplicationLifetime lifetime)
{
    public bool IsStopping => lifetime.ApplicationStopping.IsCancellationRequested;

    public bool IsReady => lifetime.ApplicationStarted.IsCancellationRequested && !IsStopping;
}
