using Microsoft.AspNetCore.Connections;

namespace Berth.App;

/// <summary>
/// The health port (Berth:HealthPort, default 8081; 0 = none): a second listener that answers only GET/HEAD /health
/// and /ready, with a connection budget of its own (<see cref="ConnectionLimits.HealthConnections"/>), so a client
/// holding every connection the serving port allows cannot starve the container health check
/// (<c>berth --healthcheck</c>) or the load balancer's target group health check, which both use this port. Each
/// answer carries "Connection: close" and a connection lives at most <see cref="ConnectionLifetime"/>, so the few
/// slots free themselves. The serving port answers /health and /ready as before.
/// </summary>
public static class HealthPort
{
    public const int DefaultPort = 8081;

    /// <summary>Longer than any health check may take (the container check gives up after 2 s; an ALB check at most 9 s).</summary>
    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromSeconds(10);

    /// <summary>Berth:HealthPort as configured; a value that is not an integer counts as none (the validator reports it).</summary>
    public static int Read(IConfiguration configuration)
    {
        var text = configuration[$"{BerthOptions.SectionName}:{nameof(BerthOptions.HealthPort)}"];
        if (text is null)
        {
            return DefaultPort;
        }

        return int.TryParse(text, out var port) && port is > 0 and <= 65535 ? port : 0;
    }

    /// <summary>
    /// The server URLs with the health port's added, or null without a health port. The serving URLs are read the way
    /// the host reads them (dotnet/aspnetcore src/Hosting/Hosting/src/GenericHost/GenericWebHostService.cs, StartAsync:
    /// "urls" when set, else each ASPNETCORE_HTTP_PORTS / HTTPS_PORTS port as http(s)://*:port; Kestrel's own default
    /// http://localhost:5000 when none is set), since any explicit address list replaces them.
    /// </summary>
    public static string? ServerUrls(IConfiguration configuration, int healthPort)
    {
        if (healthPort <= 0)
        {
            return null;
        }

        var urls = configuration["urls"];
        if (string.IsNullOrWhiteSpace(urls))
        {
            urls = string.Join(';', Expand(configuration["http_ports"], "http").Concat(Expand(configuration["https_ports"], "https")));
        }

        if (string.IsNullOrWhiteSpace(urls))
        {
            urls = "http://localhost:5000";
        }

        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (BindingAddress.Parse(url).Port == healthPort)
            {
                throw new InvalidOperationException(
                    $"Berth:HealthPort is {healthPort}; allowed: 0 (no health port) or a port other than the serving address(es) {urls}");
            }
        }

        return $"{urls};http://*:{healthPort}";

        static IEnumerable<string> Expand(string? ports, string scheme) =>
            (ports ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(port => $"{scheme}://*:{port}");
    }

    /// <summary>Middleware: on the health port, only /health and /ready (404 for anything else), and each answer closes its connection.</summary>
    public static Func<HttpContext, RequestDelegate, Task> OnlyProbes(int healthPort) => (context, next) =>
    {
        if (healthPort <= 0 || context.Connection.LocalPort != healthPort)
        {
            return next(context);
        }

        context.Response.Headers.Connection = "close";
        if (context.Request.Path.Equals("/health", StringComparison.Ordinal) ||
            context.Request.Path.Equals("/ready", StringComparison.Ordinal))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    };
}

/// <summary>The connection budgets of the serving port and the health port (one each, shared by their endpoints).</summary>
public sealed class ListenerBudgets(ConnectionLimits limits, int healthPort, ILoggerFactory loggers, TimeProvider time)
{
    public int HealthPort => healthPort;

    public ConnectionBudget Serving { get; } =
        new("serving", limits.ServingConnections, loggers.CreateLogger<ConnectionBudget>(), time);

    public ConnectionBudget Health { get; } =
        new("health", ConnectionLimits.HealthConnections, loggers.CreateLogger<ConnectionBudget>(), time);

    /// <summary>The budget of an endpoint: the health port's for an endpoint on that port, else the serving one.</summary>
    public Func<ConnectionDelegate, ConnectionDelegate> MiddlewareFor(System.Net.IPEndPoint? endpoint) =>
        healthPort > 0 && endpoint?.Port == healthPort
            ? Health.Middleware(Berth.App.HealthPort.ConnectionLifetime)
            : Serving.Middleware();
}
