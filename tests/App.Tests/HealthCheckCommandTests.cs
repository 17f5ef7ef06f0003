using System.Diagnostics;
using Berth.App.Tests.Infrastructure;

namespace Berth.App.Tests;

public sealed class HealthCheckCommandTests(LiveBerthServer server) : IClassFixture<LiveBerthServer>
{
    [Fact]
    public async Task Exits_0_when_the_app_answers_health_on_the_port()
    {
        var output = new StringWriter();

        var exitCode = await HealthCheckCommand.RunAsync(server.Port, TimeSpan.FromSeconds(2), output);

        Assert.Equal(0, exitCode);
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public async Task Exits_1_when_nothing_listens_on_the_port()
    {
        var output = new StringWriter();

        var exitCode = await HealthCheckCommand.RunAsync(FreeTcpPort.Get(), TimeSpan.FromSeconds(2), output);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("unhealthy:", output.ToString());
        Assert.Single(output.ToString().TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData(503, "Service Unavailable")]
    [InlineData(500, "Internal Server Error")]
    [InlineData(404, "Not Found")]
    [InlineData(301, "Moved Permanently")]
    public async Task Exits_1_when_health_answers_anything_but_200(int status, string reason)
    {
        using var stub = StubTcpServer.Answering(status, reason);
        var output = new StringWriter();

        var exitCode = await HealthCheckCommand.RunAsync(stub.Port, TimeSpan.FromSeconds(2), output);

        Assert.Equal(1, exitCode);
        Assert.Contains(status.ToString(), output.ToString());
    }

    [Fact]
    public async Task Exits_1_within_the_timeout_when_the_port_accepts_but_never_answers()
    {
        using var stub = StubTcpServer.Silent();
        var stopwatch = Stopwatch.StartNew();

        var exitCode = await HealthCheckCommand.RunAsync(stub.Port, TimeSpan.FromMilliseconds(300));

        Assert.Equal(1, exitCode);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Exits_1_when_the_answer_is_not_HTTP()
    {
        using var stub = new StubTcpServer("SSH-2.0-OpenSSH_9.2\r\n");

        Assert.Equal(1, await HealthCheckCommand.RunAsync(stub.Port, TimeSpan.FromSeconds(2)));
    }

    [Theory]
    [InlineData(null, 8080)]
    [InlineData("", 8080)]
    [InlineData("9090", 9090)]
    [InlineData("9090;9091", 9090)]
    [InlineData(" 8081 , 8082", 8081)]
    [InlineData("http", 8080)]
    [InlineData("70000", 8080)]
    public void Port_is_the_first_value_of_ASPNETCORE_HTTP_PORTS(string? httpPorts, int expected)
    {
        Assert.Equal(expected, HealthCheckCommand.ResolvePort(httpPorts));
    }

    [Theory]
    [InlineData(new[] { "--healthcheck" }, true)]
    [InlineData(new[] { "worker" }, false)]
    [InlineData(new string[0], false)]
    public void Is_selected_by_the_first_argument(string[] args, bool expected)
    {
        Assert.Equal(expected, HealthCheckCommand.IsRequested(args));
    }
}
