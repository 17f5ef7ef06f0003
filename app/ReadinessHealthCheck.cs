using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Berth.App;

/// <summary>
/// Readiness (tag "ready", GET /ready): healthy while the host is serving, from ApplicationStarted until
/// ApplicationStopping (SIGTERM, StopApplication); unhealthy (503) before and after.
/// </summary>
public sealed class ReadinessHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public const string Name = "ready";
    public const string Tag = "ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("stopping")
            : lifetime.ApplicationStarted.IsCancellationRequested ? HealthCheckResult.Healthy("ready")
            : HealthCheckResult.Unhealthy("starting"));
}
