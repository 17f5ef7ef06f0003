using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.App.Tests.Infrastructure;

/// <summary>
/// The app composed exactly as Program does (BerthApplication.Create), on real Kestrel at 127.0.0.1:random-port,
/// so Kestrel's limits apply (the in-memory TestServer does not enforce them).
/// </summary>
public class LiveBerthServer : IAsyncLifetime
{
    private readonly string[] _extraArgs;
    private readonly Action<WebApplicationBuilder>? _configure;

    public LiveBerthServer() : this([], null) { }

    protected LiveBerthServer(string[] extraArgs, Action<WebApplicationBuilder>? configure)
    {
        _extraArgs = extraArgs;
        _configure = configure;
    }

    /// <summary>A server started with extra command-line arguments (e.g. "worker"); the caller starts and disposes it.</summary>
    public static LiveBerthServer WithArguments(string[] extraArgs, Action<WebApplicationBuilder>? configure = null) =>
        new(extraArgs, configure);

    /// <summary>The same server with Berth:DiagnosticsEnabled (GET /delay) on.</summary>
    public static LiveBerthServer WithDiagnostics(Action<WebApplicationBuilder>? configure = null) =>
        new(["--Berth:DiagnosticsEnabled=true"], configure);

    public WebApplication App { get; private set; } = null!;

    public int Port { get; private set; }

    /// <summary>Berth:HealthPort: a free port unless the arguments set one (the default 8081 would clash between servers).</summary>
    public int HealthPort { get; private set; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public async Task InitializeAsync()
    {
        var healthArgument = _extraArgs.FirstOrDefault(a => a.StartsWith("--Berth:HealthPort=", StringComparison.Ordinal));
        HealthPort = healthArgument is null ? FreeTcpPort.Get() : int.Parse(healthArgument.Split('=')[1]);
        string[] args = [.. _extraArgs, $"--Berth:HealthPort={HealthPort}", "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"];
        App = BerthApplication.Create(args, _configure);
        await App.StartAsync();
        var addresses = App.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses;
        Port = addresses.Select(a => new Uri(a.Replace("*", "localhost", StringComparison.Ordinal)).Port).Single(p => p != HealthPort);
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}

/// <summary>A class fixture: <see cref="LiveBerthServer"/> with the diagnostics endpoint (/delay) on.</summary>
public sealed class LiveBerthServerWithDiagnostics() : LiveBerthServer(["--Berth:DiagnosticsEnabled=true"], null);
