using System.Net;
using Berth.App.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.App.Tests;

/// <summary>What the app says when the shutdown timeout cuts requests, on real Kestrel.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task When_the_shutdown_timeout_cuts_in_flight_requests_the_app_logs_how_many()
    {
        var logs = new CapturedLogs();
        var server = LiveBerthServer.WithDiagnostics(builder =>
        {
            builder.Configuration["Berth:ShutdownTimeoutSeconds"] = "1";
            builder.Logging.AddProvider(logs);
        });
        await server.InitializeAsync();
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        var slow = new[] { client.GetAsync("/delay?ms=8000"), client.GetAsync("/delay?ms=8000"), client.GetAsync("/delay?ms=9000") };
        var inFlight = server.App.Services.GetRequiredService<InFlightRequests>();
        await Eventually.TrueAsync(() => inFlight.Active == 3, "the three slow requests are running");
        using (var quick = await client.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, quick.StatusCode);
        }

        await server.DisposeAsync();
        foreach (var request in slow)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => request); // aborted by the server
        }

        var cut = Assert.Single(logs.Entries, e => e.EventId == 11);
        Assert.Equal(LogLevel.Warning, cut.Level);
        Assert.Equal("Shutdown timeout of 1 s reached: 3 in-flight requests were cut", cut.Message);
    }

    [Fact]
    public async Task A_shutdown_within_the_timeout_logs_no_cut_requests()
    {
        var logs = new CapturedLogs();
        var server = LiveBerthServer.WithDiagnostics(builder =>
        {
            builder.Configuration["Berth:ShutdownTimeoutSeconds"] = "10";
            builder.Logging.AddProvider(logs);
        });
        await server.InitializeAsync();
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        var slow = client.GetAsync("/delay?ms=500");
        var inFlight = server.App.Services.GetRequiredService<InFlightRequests>();
        await Eventually.TrueAsync(() => inFlight.Active == 1, "the slow request is running");

        await server.DisposeAsync();

        using var response = await slow;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(logs.Entries, e => e.EventId == 11);
    }
}
