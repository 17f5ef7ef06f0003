using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Berth.App;

/// <summary>Composes the web host (both modes). Program.cs runs it; tests build it directly on a real port.</summary>
public static partial class BerthApplication
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // "berth worker ..." = worker mode; the rest is ordinary host configuration (--urls=..., --Berth:X=...).
        var workerArgument = args.Length > 0 && RunMode.IsWorker(args[0]);
        var hostArgs = workerArgument ? args[1..] : args;
        var builder = CreateBuilder(hostArgs);
        if (workerArgument)
        {
            builder.Configuration.AddInMemoryCollection([new($"{BerthOptions.SectionName}:Mode", RunMode.Worker)]);
        }

        // The health port is one more server address (Berth:HealthPort; HealthPort.cs).
        var healthPort = HealthPort.Read(builder.Configuration);
        if (HealthPort.ServerUrls(builder.Configuration, healthPort) is { } urls)
        {
            builder.Configuration.AddInMemoryCollection([new("urls", urls)]);
        }

        ConfigureServices(builder, healthPort);
        configure?.Invoke(builder);

        var app = builder.Build();
        var limits = app.Services.GetRequiredService<ConnectionLimits>();
        LogLimits(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConnectionLimits).FullName!),
            limits.MemoryLimitBytes / (1024 * 1024), limits.MemoryLimitSource, limits.ServingConnections,
            ConnectionLimits.HealthConnections, healthPort, ConnectionLimits.ReadBufferSize / 1024, ConnectionLimits.WriteBufferSize / 1024,
            limits.OpenFileLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited");
        app.Use(HealthPort.OnlyProbes(healthPort));
        app.Use(ConnectionLimits.TakeTurnAsync);
        app.Use(app.Services.GetRequiredService<InFlightRequests>().TrackAsync);
        app.Use(RequestBodyLimit.DiscardBodyAsync);
        app.MapBerthEndpoints();
        return app;
    }

    /// <summary>
    /// The empty builder plus exactly what Berth uses (CreateSlimBuilder would add appsettings*.json with file watching,
    /// user secrets, the "Kestrel" configuration section with its certificate loader, host filtering, forwarded
    /// headers and the simple console logger: about 0.3 MB of native code the app never runs). Configuration comes
    /// from environment variables (ASPNETCORE_HTTP_PORTS/ASPNETCORE_URLS as ASP.NET Core reads them, Berth__*,
    /// Logging__*) and the command line (--urls=..., --Berth:X=...), later sources winning.
    /// </summary>
    private static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            Args = args,
            EnvironmentName = System.Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
                              ?? System.Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT"),
        });
        builder.Configuration.AddEnvironmentVariables("ASPNETCORE_");
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        return builder;
    }

    private static void ConfigureServices(WebApplicationBuilder builder, int healthPort)
    {
        // One JSON object per line on stdout; levels from the "Logging" section (Logging__LogLevel__Default=...).
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddJsonConsole(options =>
        {
            options.IncludeScopes = false;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            options.JsonWriterOptions = new JsonWriterOptions { Indented = false };
        });

        // Per-request framework logs would log every health check; keep warnings, lifetime events and our own lines.
        // Override with Logging__LogLevel__Microsoft.AspNetCore=Information.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // The health check service logs every Unhealthy result at Error; the one check is readiness, whose 503 while
        // starting and draining is expected (GracefulShutdown logs the drain once).
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical);

        var section = builder.Configuration.GetSection(BerthOptions.SectionName);
        builder.Services.AddOptions<BerthOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BerthOptions>, BerthOptionsValidator>();
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<BerthOptions>>((host, berth) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(berth.Value.ShutdownTimeoutSeconds));

        builder.Services.AddSingleton(services => ConnectionLimits.Resolve(services.GetRequiredService<IOptions<BerthOptions>>().Value));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => new ListenerBudgets(services.GetRequiredService<ConnectionLimits>(),
            healthPort, services.GetRequiredService<ILoggerFactory>(), services.GetRequiredService<TimeProvider>()));
        builder.Services.AddOptions<KestrelServerOptions>().Configure<ConnectionLimits, ListenerBudgets>(
            (kestrel, limits, budgets) => limits.ApplyTo(kestrel, budgets));
        builder.Services.Configure<SocketTransportOptions>(ConnectionLimits.ApplyTo);
        // Registered after UseKestrelCore's socket transport: Kestrel binds with the last registered factory.
        builder.Services.AddSingleton<IConnectionListenerFactory, BackoffSocketTransport>();

        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks().AddCheck<ReadinessHealthCheck>(ReadinessHealthCheck.Name, tags: [ReadinessHealthCheck.Tag]);
        builder.Services.AddSingleton<InFlightRequests>();
        builder.Services.AddHostedService<GracefulShutdown>();

        if (RunMode.IsWorker(section["Mode"]))
        {
            builder.Services.AddSingleton<WorkerStatus>();
            builder.Services.TryAddSingleton<IPeriodicJob, HeartbeatJob>();
            builder.Services.AddHostedService<PeriodicJobWorker>();
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Memory limit {MemoryLimitMiB} MiB ({MemoryLimitSource}): at most {ServingConnections} connections on the serving port and {HealthConnections} on the health port {HealthPort} (0 = none), {ReadBufferKiB} KiB read and {WriteBufferKiB} KiB write buffer each; open file limit {OpenFileLimit}")]
    private static partial void LogLimits(ILogger logger, long memoryLimitMiB, string memoryLimitSource,
        int servingConnections, int healthConnections, int healthPort, int readBufferKiB, int writeBufferKiB, string openFileLimit);
}
