using System.Net;
using Berth.App.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Berth.App.Tests;

public sealed class ReadinessTests
{
    private static GracefulShutdown Shutdown(BerthOptions options, TimeProvider time) =>
        new(Options.Create(options), new InFlightRequests(), time, NullLogger<GracefulShutdown>.Instance);

    [Fact]
    public async Task Ready_turns_503_once_the_application_is_stopping_while_health_stays_200()
    {
        // A drain delay on a fake clock holds the host in its "stopping" phase, still serving, until we advance time.
        var time = new FakeTimeProvider();
        await using var root = new BerthAppFactory();
        var factory = root.WithWebHostBuilder(b => b
            .UseSetting("Berth:DrainDelaySeconds", "5")
            .ConfigureTestServices(services => services.AddSingleton<TimeProvider>(time)));
        var client = factory.CreateClient();
        using (var before = await client.GetAsync("/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var lifetime = factory.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.StopApplication();

        using var after = await client.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, after.StatusCode);
        Assert.Contains("stopping", await after.Content.ReadAsStringAsync());
        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        // Let the drain (and the second stop that disposal runs) elapse on the fake clock.
        var disposing = factory.DisposeAsync().AsTask();
        while (!disposing.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(10);
        }

        await disposing;
    }

    [Fact]
    public async Task The_expected_503s_of_a_drain_are_not_logged_as_errors()
    {
        var logs = new CapturedLogs();
        var server = LiveBerthServer.WithArguments(["--Berth:DrainDelaySeconds=2"], builder => builder.Logging.AddProvider(logs));
        await server.InitializeAsync();
        using var client = server.CreateClient();
        server.App.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        for (var i = 0; i < 3; i++)
        {
            using var ready = await client.GetAsync("/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        await server.DisposeAsync();
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Readiness_check_follows_the_host_lifetime()
    {
        using var started = new CancellationTokenSource();
        using var stopping = new CancellationTokenSource();
        var lifetime = new Mock<IHostApplicationLifetime>();
        lifetime.SetupGet(l => l.ApplicationStarted).Returns(started.Token);
        lifetime.SetupGet(l => l.ApplicationStopping).Returns(stopping.Token);
        var readiness = new ReadinessHealthCheck(lifetime.Object);
        async Task<(HealthStatus, string?)> Check()
        {
            var result = await readiness.CheckHealthAsync(new HealthCheckContext());
            return (result.Status, result.Description);
        }

        Assert.Equal((HealthStatus.Unhealthy, "starting"), await Check());

        started.Cancel();
        Assert.Equal((HealthStatus.Healthy, "ready"), await Check());

        stopping.Cancel();
        Assert.Equal((HealthStatus.Unhealthy, "stopping"), await Check());
    }

    [Fact]
    public async Task DrainDelay_holds_shutdown_for_the_configured_time()
    {
        var time = new FakeTimeProvider();
        var service = Shutdown(new BerthOptions { DrainDelaySeconds = 2 }, time);

        var stopping = service.StoppingAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1.9));
        await Task.Delay(50);
        Assert.False(stopping.IsCompleted, "still draining before 2 s");

        time.Advance(TimeSpan.FromSeconds(0.1));
        await stopping.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task DrainDelay_of_zero_does_not_wait_and_a_shutdown_timeout_cuts_it_short()
    {
        var time = new FakeTimeProvider();
        var none = Shutdown(new BerthOptions(), time);
        Assert.True(none.StoppingAsync(CancellationToken.None).IsCompletedSuccessfully);

        var longDrain = Shutdown(new BerthOptions { DrainDelaySeconds = 60 }, time);
        using var timeout = new CancellationTokenSource();
        var stopping = longDrain.StoppingAsync(timeout.Token);
        timeout.Cancel();
        await stopping.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Host_shutdown_timeout_comes_from_Berth_ShutdownTimeoutSeconds()
    {
        await using var factory = new BerthAppFactory();
        using var configured = factory.WithWebHostBuilder(b => b.UseSetting("Berth:ShutdownTimeoutSeconds", "7"));

        var hostOptions = configured.Services.GetRequiredService<IOptions<HostOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(7), hostOptions.ShutdownTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20),
            factory.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }
}
