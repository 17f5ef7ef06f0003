namespace Berth.App;

/// <summary>Configuration section "Berth" (env vars: Berth__ServiceName, Berth__Environment, ...).</summary>
public sealed class BerthOptions
{
    public const string SectionName = "Berth";

    public string ServiceName { get; set; } = "berth";

    public string Environment { get; set; } = "development";

    /// <summary>"web" (default) or "worker"; the "worker" command-line argument sets it too.</summary>
    public string Mode { get; set; } = RunMode.Web;

    /// <summary>Upper bound for a graceful shutdown (HostOptions.ShutdownTimeout).</summary>
    public int ShutdownTimeoutSeconds { get; set; } = 20;

    /// <summary>
    /// After SIGTERM, keep serving (with /ready answering 503) this long before Kestrel stops accepting connections,
    /// so a load balancer notices. 0 = stop accepting right away; in-flight requests always finish.
    /// </summary>
    public int DrainDelaySeconds { get; set; }

    public WorkerOptions Worker { get; set; } = new();
}

public sealed class WorkerOptions
{
    public int IntervalSeconds { get; set; } = 30;
}

public static class RunMode
{
    public const string Web = "web";
    public const string Worker = "worker";

    public static bool IsWorker(string? mode) => string.Equals(mode, Worker, StringComparison.OrdinalIgnoreCase);
}
