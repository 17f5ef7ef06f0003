using System.Net;
using System.Net.Sockets;
using Berth.App.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Berth.App.Tests;

/// <summary>
/// The health port (Berth:HealthPort) on real Kestrel: the health checks keep answering while a client holds every
/// connection the serving port allows, the serving port's refusals are logged once per interval, and the health port
/// has a small budget of its own whose connections cannot be held.
/// </summary>
public sealed class HealthPortTests
{
    /// <summary>Berth:MemoryLimitMiB=1 gives the smallest budget: MinConnections in all, 48 of them serving.</summary>
    private const string SmallBudget = "--Berth:MemoryLimitMiB=1";

    private static readonly int ServingLimit = ConnectionLimits.MinConnections - ConnectionLimits.HealthConnections;

    [Fact]
    public async Task With_the_serving_port_full_the_health_port_and_the_healthcheck_command_still_answer()
    {
        var logs = new CapturedLogs();
        var server = LiveBerthServer.WithArguments([SmallBudget], builder => builder.Logging.AddProvider(logs));
        await server.InitializeAsync();
        var held = new List<Socket>();
        try
        {
            held.AddRange(await OpenIdleAsync(server.Port, ServingLimit));
            var budgets = server.App.Services.GetRequiredService<ListenerBudgets>();
            await Eventually.TrueAsync(() => budgets.Serving.Active == ServingLimit, "every serving connection is held");

            // 30 more attempts on the serving port: each gets 503 and is closed, the app writes one line about them.
            for (var i = 0; i < 30; i++)
            {
                Assert.Equal(503, await RawHttp.SendAsync(server.Port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            }

            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HealthPort}"), Timeout = TimeSpan.FromSeconds(5) };
            for (var i = 0; i < 5; i++)
            {
                using var health = await client.GetAsync("/health");
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                using var ready = await client.GetAsync("/ready");
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                Assert.Equal(0, await HealthCheckCommand.RunAsync(server.HealthPort, TimeSpan.FromSeconds(2)));
            }

            Assert.Equal(30, budgets.Serving.Refused);
            var saturated = Assert.Single(logs.Entries, e => e.Category == typeof(ConnectionBudget).FullName);
            Assert.Equal(LogLevel.Warning, saturated.Level);
            Assert.StartsWith($"The serving port is full ({ServingLimit} connections): refused 1 connections", saturated.Message);
            Assert.DoesNotContain(logs.Entries, e => e.Category.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal)
                                                    && e.Level >= LogLevel.Warning);

            // The serving port comes back as soon as the sockets go.
            held.ForEach(s => s.Dispose());
            held.Clear();
            await Eventually.TrueAsync(() => budgets.Serving.Active == 0, "the held connections are released");
            Assert.Equal(200, await RawHttp.SendAsync(server.Port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        }
        finally
        {
            held.ForEach(s => s.Dispose());
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_health_port_answers_only_the_probes_and_closes_each_connection()
    {
        var server = LiveBerthServer.WithArguments([]);
        await server.InitializeAsync();
        try
        {
            foreach (var (path, expected) in new[] { ("/health", 200), ("/ready", 200), ("/version", 404), ("/", 404) })
            {
                using var connection = await RawConnection.OpenAsync(server.HealthPort);
                await connection.SendAsync($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                var response = await connection.ReadResponseAsync();
                Assert.Equal(expected, response.Status);
                Assert.Equal("close", response.Headers["connection"]);
                Assert.True((await connection.WaitForCloseAsync(TimeSpan.FromSeconds(5))).Closed, $"{path}: the server closed the connection");
            }

            // The serving port is unchanged: every endpoint, keep-alive.
            using var client = server.CreateClient();
            using var version = await client.GetAsync("/version");
            Assert.Equal(HttpStatusCode.OK, version.StatusCode);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_health_port_has_a_small_budget_of_its_own_and_frees_held_connections_after_their_lifetime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var server = LiveBerthServer.WithArguments([], builder => builder.Services.AddSingleton<TimeProvider>(time));
        await server.InitializeAsync();
        var held = new List<Socket>();
        try
        {
            var budgets = server.App.Services.GetRequiredService<ListenerBudgets>();
            held.AddRange(await OpenIdleAsync(server.HealthPort, ConnectionLimits.HealthConnections));
            await Eventually.TrueAsync(() => budgets.Health.Active == ConnectionLimits.HealthConnections, "the health slots are held");
            Assert.Equal(503, await RawHttp.SendAsync(server.HealthPort, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));

            // The serving port's budget is a different one.
            Assert.Equal(200, await RawHttp.SendAsync(server.Port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));

            time.Advance(HealthPort.ConnectionLifetime);
            await Eventually.TrueAsync(() => budgets.Health.Active == 0, "held health connections are closed after their lifetime");
            Assert.Equal(200, await RawHttp.SendAsync(server.HealthPort, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        }
        finally
        {
            held.ForEach(s => s.Dispose());
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_HealthPort_0_there_is_one_listener_and_a_health_port_on_a_serving_port_is_refused()
    {
        var server = LiveBerthServer.WithArguments(["--Berth:HealthPort=0"]);
        await server.InitializeAsync();
        try
        {
            var addresses = server.App.Urls;
            Assert.Single(addresses);
        }
        finally
        {
            await server.DisposeAsync();
        }

        var clash = Assert.Throws<InvalidOperationException>(() =>
            BerthApplication.Create(["--urls=http://127.0.0.1:9099", "--Berth:HealthPort=9099"]));
        Assert.Contains("Berth:HealthPort is 9099", clash.Message);
    }

    [Theory]
    [InlineData(null, "8080", HealthPort.DefaultPort)]
    [InlineData("9091", "8080", 9091)]
    [InlineData("0", "8080;8082", 8080)]
    [InlineData("0", null, HealthCheckCommand.DefaultPort)]
    [InlineData("not-a-port", "9000", 9000)]
    public void The_healthcheck_command_probes_the_health_port_else_the_first_serving_port(string? healthPort, string? httpPorts, int expected)
    {
        Assert.Equal(expected, HealthCheckCommand.ResolveProbePort(healthPort, httpPorts));
    }

    private static async Task<List<Socket>> OpenIdleAsync(int port, int count)
    {
        var sockets = new List<Socket>();
        for (var i = 0; i < count; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            sockets.Add(socket);
        }

        return sockets;
    }
}
