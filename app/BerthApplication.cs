using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Berth.App;

/// <summary>Composes the web host (both modes). Program.cs runs it; tests build it directly on a real port.</summary>
public static class BerthApplication
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // "berth worker ..." = worker mode; the rest is ordinary host configuration (--urls=..., --Berth:X=...).
        var workerArgument = args.Length > 0 && RunMode.IsWorker(args[0]);
        var builder = WebApplication.CreateSlimBuilder(workerArgument ? args[1..] : args);
        if (workerArgument)
        {
            builder.Configuration.AddInMemoryCollection([new($"{BerthOptions.SectionName}:Mode", RunMode.Worker)]);
        }

        ConfigureServices(builder);
        configure?.Invoke(builder);

        var app = builder.Build();
        // First: tells the connection's HttpVersionGuard how each request is framed (keep-alive requests).
        app.UseHttpVersionGuard();
        app.MapBerthEndpoints();
        return app;
    }

    private static void ConfigureServices(WebApplicationBuilder builder)
    {
        // One JSON object per line on stdout.
        builder.Logging.ClearProviders();
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

        builder.WebHost.ConfigureKestrel(KestrelLimits.Apply);

        var section = builder.Configuration.GetSection(BerthOptions.SectionName);
        builder.Services.Configure<BerthOptions>(section);
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<BerthOptions>>((host, berth) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(Math.Max(1, berth.Value.ShutdownTimeoutSeconds)));

        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ReadinessState>();
        builder.Services.AddHostedService<DrainDelayService>();

        if (RunMode.IsWorker(section["Mode"]))
        {
            builder.Services.AddSingleton<WorkerStatus>();
            builder.Services.TryAddSingleton<IPeriodicJob, HeartbeatJob>();
            builder.Services.AddHostedService<PeriodicJobWorker>();
        }
    }
}
