using System.ComponentModel.DataAnnotations;
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
    [SettingAllowed("Berth:Mode", RunMode.Web, RunMode.Worker)]
    public string Mode { get; set; } = RunMode.Web;

    /// <summary>Upper bound for a graceful shutdown (HostOptions.ShutdownTimeout).</summary>
    [SettingRange("Berth:ShutdownTimeoutSeconds", 1, 3600)]
    public int ShutdownTimeoutSeconds { get; set; } = 20;

    /// <summary>
    /// After SIGTERM, keep serving (with /ready answering 503) this long before Kestrel stops accepting connections,
    /// so a load balancer notices. 0 = stop accepting right away; in-flight requests always finish.
    /// </summary>
    [SettingRange("Berth:DrainDelaySeconds", 0, 3600)]
    public int DrainDelaySeconds { get; set; }

    /// <summary>
    /// The memory the connection limits are derived from (<see cref="ConnectionLimits"/>). 0 (default) = the
    /// container's cgroup memory limit.
    /// </summary>
    [SettingRange("Berth:MemoryLimitMiB", 0, 1024 * 1024)]
    public int MemoryLimitMiB { get; set; }

    /// <summary>Maps the diagnostics endpoint GET /delay. Off by default and in every stack; tests turn it on.</summary>
    public bool DiagnosticsEnabled { get; set; }

    [ValidateObjectMembers]
    public WorkerOptions Worker { get; set; } = new();
}

public sealed class WorkerOptions
{
    [SettingRange("Berth:Worker:IntervalSeconds", 1, 86_400)]
    public int IntervalSeconds { get; set; } = 30;
}

public static class RunMode
{
    public const string Web = "web";
    public const string Worker = "worker";

    public static bool IsWorker(string? mode) => string.Equals(mode, Worker, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Source-generated (no reflection, Native AOT safe) validation of the attributes above.</summary>
[OptionsValidator]
public sealed partial class BerthOptionsValidator : IValidateOptions<BerthOptions>;

/// <summary>An integer setting within [minimum, maximum]; the error names the key, the value and the range.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingRangeAttribute(string key, int minimum, int maximum) : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is int n && n >= minimum && n <= maximum
            ? ValidationResult.Success
            : new ValidationResult($"{key} is {value}; allowed: an integer from {minimum} to {maximum}");
}

/// <summary>A string setting that is one of a few values (case-insensitive); the error names the key, value and values.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingAllowedAttribute(string key, params string[] allowed) : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is string s && allowed.Contains(s, StringComparer.OrdinalIgnoreCase)
            ? ValidationResult.Success
            : new ValidationResult($"{key} is '{value}'; allowed: {string.Join(", ", allowed.Select(a => $"'{a}'"))}");
}
