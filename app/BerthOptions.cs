using Microsoft.Extensions.Options;

namespace Berth.App;

/// <summary>
/// Configuration section "Berth" (env vars: Berth__ServiceName, Berth__Environment, ...). Validated once at start
/// (<see cref="BerthOptionsValidator"/>, ValidateOnStart): a bad value stops the app with an error naming the key,
/// the value and what is allowed.
/// </summary>
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

    /// <summary>
    /// The memory the connection limits are derived from (<see cref="ConnectionLimits"/>). 0 (default) = the
    /// container's cgroup memory limit.
    /// </summary>
    public int MemoryLimitMiB { get; set; }

    /// <summary>
    /// The health port (<see cref="Berth.App.HealthPort"/>): /health and /ready only, with a connection budget of its
    /// own; the container health command and the load balancer's health check use it. 0 = none.
    /// </summary>
    public int HealthPort { get; set; } = Berth.App.HealthPort.DefaultPort;

    /// <summary>Maps the diagnostics endpoint GET /delay. Off by default and in every stack; tests turn it on.</summary>
    public bool DiagnosticsEnabled { get; set; }

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

/// <summary>
/// Checks every setting once at start (registered with ValidateOnStart): each error names the key, the value and
/// what is allowed, and all errors are reported together (OptionsValidationException).
/// A plain IValidateOptions instead of DataAnnotations attributes (ValidateDataAnnotations, or the
/// [OptionsValidator] source generator, which emits calls to System.ComponentModel.DataAnnotations.Validator):
/// DataAnnotations brings TypeDescriptor and the reflection metadata and generic code it keeps alive into the Native
/// AOT binary: 0.54 MB of 8.6 MB (dotnet publish, linux-x64), for checks that are a few comparisons.
/// </summary>
public sealed class BerthOptionsValidator : IValidateOptions<BerthOptions>
{
    public ValidateOptionsResult Validate(string? name, BerthOptions options)
    {
        var errors = new List<string>();
        CheckRange(errors, "Berth:ShutdownTimeoutSeconds", options.ShutdownTimeoutSeconds, 1, 3600);
        CheckRange(errors, "Berth:DrainDelaySeconds", options.DrainDelaySeconds, 0, 3600);
        CheckRange(errors, "Berth:MemoryLimitMiB", options.MemoryLimitMiB, 0, 1024 * 1024);
        CheckRange(errors, "Berth:HealthPort", options.HealthPort, 0, 65535);
        CheckRange(errors, "Berth:Worker:IntervalSeconds", options.Worker.IntervalSeconds, 1, 86_400);
        CheckAllowed(errors, "Berth:Mode", options.Mode, RunMode.Web, RunMode.Worker);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>An integer setting within [minimum, maximum].</summary>
    private static void CheckRange(List<string> errors, string key, int value, int minimum, int maximum)
    {
        if (value < minimum || value > maximum)
        {
            errors.Add($"{key} is {value}; allowed: an integer from {minimum} to {maximum}");
        }
    }

    /// <summary>A string setting that is one of a few values (case-insensitive).</summary>
    private static void CheckAllowed(List<string> errors, string key, string? value, params string[] allowed)
    {
        if (value is null || !allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"{key} is '{value}'; allowed: {string.Join(", ", allowed.Select(a => $"'{a}'"))}");
        }
    }
}
