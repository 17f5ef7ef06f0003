using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Berth.App.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Berth.App.Tests;

/// <summary>The published Native AOT binary as a real process: signals, exit codes, the health-check command, logs.</summary>
[Collection(AotBinaryCollection.Name)]
public sealed class AotBinaryTests(AotBinaryFixture binary, ITestOutputHelper output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    public async Task Sigterm_drains_in_flight_requests_turns_ready_503_and_exits_0(int drainDelaySeconds)
    {
        using var berth = BerthProcess.Start(binary.BinaryPath, new Dictionary<string, string>
        {
            ["Berth__DrainDelaySeconds"] = drainDelaySeconds.ToString(),
            ["Berth__ShutdownTimeoutSeconds"] = "20",
            ["Berth__DiagnosticsEnabled"] = "true",
        });
        await berth.WaitUntilHealthyAsync(StartTimeout);
        using var slowClient = new HttpClient { BaseAddress = berth.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var probe = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero })
        {
            BaseAddress = berth.BaseAddress,
            Timeout = TimeSpan.FromSeconds(2),
        };
        using (var ready = await probe.GetAsync("/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        // Open the connection first, so the slow request is on the wire well before SIGTERM.
        using (var warm = await slowClient.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var inFlight = slowClient.GetAsync("/delay?ms=3000");
        await Task.Delay(1000);
        var stopwatch = Stopwatch.StartNew();
        berth.SendSigterm();

        // Probe readiness on fresh connections until the listener closes.
        var readyStatuses = new List<HttpStatusCode>();
        while (!inFlight.IsCompleted && stopwatch.Elapsed < TimeSpan.FromSeconds(5))
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/ready") { Headers = { ConnectionClose = true } };
                using var ready = await probe.SendAsync(request);
                readyStatuses.Add(ready.StatusCode);
            }
            catch (HttpRequestException)
            {
                break; // listener closed: Kestrel is draining
            }

            await Task.Delay(100);
        }

        using var slow = await inFlight;
        Assert.Equal(HttpStatusCode.OK, slow.StatusCode);
        Assert.Contains("3000", await slow.Content.ReadAsStringAsync());
        Assert.True(await berth.WaitForExitAsync(TimeSpan.FromSeconds(20)), "exited within the shutdown timeout");
        output.WriteLine($"exit {berth.ExitCode} after {stopwatch.Elapsed.TotalSeconds:0.00} s; /ready during drain: " +
                         string.Join(",", readyStatuses.Select(s => (int)s)));
        Assert.Equal(0, berth.ExitCode);
        // The signal is handled asynchronously, so a probe racing kill() may still see 200; once 503, never 200 again.
        Assert.DoesNotContain(HttpStatusCode.OK, readyStatuses.SkipWhile(s => s == HttpStatusCode.OK));
        Assert.All(readyStatuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        if (drainDelaySeconds > 0)
        {
            Assert.Contains(HttpStatusCode.ServiceUnavailable, readyStatuses);
            Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(drainDelaySeconds), "kept serving for the drain delay");
        }

        Assert.Contains(berth.StandardOutput, line => line.Contains("Application is shutting down"));
    }

    [Fact]
    public async Task Out_of_file_descriptors_the_accept_loop_backs_off_and_logs_it_once_per_interval()
    {
        // 64 descriptors, soft and hard: fewer than the smallest connection budget (MinConnections), so idle sockets
        // exhaust the descriptors before the budget. Kestrel's own accept loop would retry at once, forever (issue 22:
        // 95 % CPU, no log line).
        using var berth = BerthProcess.Start("/bin/bash", null, "-c", "ulimit -n 64 && exec \"$0\"", binary.BinaryPath);
        await berth.WaitUntilHealthyAsync(StartTimeout);
        var sockets = new List<System.Net.Sockets.Socket>();
        try
        {
            for (var i = 0; i < 100; i++)
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, berth.Port); // the kernel's backlog takes them
                sockets.Add(socket);
            }

            // The first failed accept is logged at once; 30 s covers a loaded machine where the other test classes
            // run their binaries beside this one (a clean-clone run once missed 10 s).
            await Eventually.TrueAsync(() => berth.StandardOutput.Any(l => l.Contains("out of file descriptors")),
                "the descriptor exhaustion is logged", TimeSpan.FromSeconds(30));
            using var process = Process.GetProcessById(berth.Id);
            var before = process.TotalProcessorTime;
            await Task.Delay(TimeSpan.FromSeconds(3));
            process.Refresh();
            var cpu = (process.TotalProcessorTime - before) / TimeSpan.FromSeconds(3);
            output.WriteLine($"CPU while out of descriptors: {cpu:P0} of one core");

            Assert.InRange(cpu, 0, 0.3);
            var lines = berth.StandardOutput.Where(l => l.Contains("out of file descriptors")).ToList();
            var line = Assert.Single(lines);
            Assert.Contains("\"LogLevel\":\"Warning\"", line);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task Healthcheck_command_exits_0_against_the_running_binary_and_1_against_a_dead_port()
    {
        using var berth = BerthProcess.Start(binary.BinaryPath);
        await berth.WaitUntilHealthyAsync(StartTimeout);

        var healthy = await BerthProcess.RunToExitAsync(binary.BinaryPath,
            new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = "1", ["Berth__HealthPort"] = berth.HealthPort.ToString() }, "--healthcheck");
        var servingPort = await BerthProcess.RunToExitAsync(binary.BinaryPath,
            new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = berth.Port.ToString(), ["Berth__HealthPort"] = "0" }, "--healthcheck");
        var dead = await BerthProcess.RunToExitAsync(binary.BinaryPath,
            new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = berth.Port.ToString(), ["Berth__HealthPort"] = FreeTcpPort.Get().ToString() }, "--healthcheck");

        output.WriteLine($"--healthcheck: healthy {healthy.Elapsed.TotalMilliseconds:0} ms, dead port {dead.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(0, healthy.ExitCode);
        Assert.Equal("", healthy.Output);
        Assert.Equal(0, servingPort.ExitCode);
        Assert.InRange(healthy.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Equal(1, dead.ExitCode);
        Assert.Single(dead.Output.Trim().Split('\n'));
    }

    [Fact]
    public async Task With_the_default_settings_the_diagnostics_endpoint_is_404_and_HEAD_health_is_200()
    {
        using var berth = BerthProcess.Start(binary.BinaryPath);
        await berth.WaitUntilHealthyAsync(StartTimeout);
        using var client = new HttpClient { BaseAddress = berth.BaseAddress };

        using var delay = await client.GetAsync("/delay?ms=10");
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/health"));

        Assert.Equal(HttpStatusCode.NotFound, delay.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Contains(berth.StandardOutput, line => line.Contains("Berth.App.ConnectionLimits") && line.Contains("connections"));
    }

    [Fact]
    public async Task A_bad_setting_stops_the_binary_at_start_with_the_key_and_value_in_the_error()
    {
        using var berth = BerthProcess.Start(binary.BinaryPath, new Dictionary<string, string> { ["Berth__ShutdownTimeoutSeconds"] = "0" });

        Assert.True(await berth.WaitForExitAsync(TimeSpan.FromSeconds(15)), "exits instead of serving");
        Assert.NotEqual(0, berth.ExitCode);
        Assert.Contains("Berth:ShutdownTimeoutSeconds is 0; allowed: an integer from 1 to 3600", berth.Output());
    }

    [Fact]
    public async Task Version_shows_the_sha_and_version_given_at_publish_time()
    {
        using var berth = BerthProcess.Start(binary.BinaryPath);
        await berth.WaitUntilHealthyAsync(StartTimeout);
        using var client = new HttpClient { BaseAddress = berth.BaseAddress };

        var version = await client.GetFromJsonAsync<JsonElement>("/version");

        Assert.Equal(AotBinaryFixture.TestSha, version.GetProperty("sha").GetString());
        Assert.Equal(AotBinaryFixture.TestVersion, version.GetProperty("version").GetString());
        Assert.True(DateTimeOffset.TryParse(version.GetProperty("buildTime").GetString(), out _));
    }

    [Fact]
    public async Task Worker_command_runs_the_periodic_job_and_reports_it_on_root()
    {
        using var berth = BerthProcess.Start(binary.BinaryPath, new Dictionary<string, string>
        {
            ["Berth__Worker__IntervalSeconds"] = "1",
            ["Berth__ServiceName"] = "berth-worker",
            ["Berth__Environment"] = "test",
        }, "worker");
        await berth.WaitUntilHealthyAsync(StartTimeout);
        using var client = new HttpClient { BaseAddress = berth.BaseAddress };

        var root = await client.GetFromJsonAsync<JsonElement>("/");
        for (var attempt = 0; attempt < 100 && root.GetProperty("worker").GetProperty("runCount").GetInt64() < 2; attempt++)
        {
            await Task.Delay(100);
            root = await client.GetFromJsonAsync<JsonElement>("/");
        }

        Assert.Equal("worker", root.GetProperty("mode").GetString());
        Assert.Equal("berth-worker", root.GetProperty("service").GetString());
        Assert.Equal("test", root.GetProperty("environment").GetString());
        Assert.True(root.GetProperty("worker").GetProperty("runCount").GetInt64() >= 2, root.ToString());
        Assert.Contains(berth.StandardOutput, line => line.Contains("\"Category\":\"Berth.App.HeartbeatJob\""));
        berth.SendSigterm();
        Assert.True(await berth.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(0, berth.ExitCode);
    }

    [Fact]
    public async Task Every_stdout_line_is_one_JSON_object_and_stderr_stays_empty()
    {
        using var berth = BerthProcess.Start(binary.BinaryPath);
        await berth.WaitUntilHealthyAsync(StartTimeout);
        using (var client = new HttpClient { BaseAddress = berth.BaseAddress })
        {
            await client.GetAsync("/does-not-exist");
        }

        berth.SendSigterm();
        Assert.True(await berth.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        Assert.NotEmpty(berth.StandardOutput);
        foreach (var line in berth.StandardOutput)
        {
            using var document = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            Assert.True(document.RootElement.TryGetProperty("Timestamp", out _), line);
            Assert.True(document.RootElement.TryGetProperty("LogLevel", out _), line);
        }

        Assert.Empty(berth.StandardError);
    }

    [Fact]
    public async Task Log_levels_come_from_the_Logging_environment_variables()
    {
        // The stacks set Logging__LogLevel__Default (Pulumi.<stack>.yaml); the host reads the "Logging" section.
        using var berth = BerthProcess.Start(binary.BinaryPath, new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Warning",
        });
        await berth.WaitUntilHealthyAsync(StartTimeout);
        berth.SendSigterm();
        Assert.True(await berth.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        Assert.Equal(0, berth.ExitCode);
        Assert.DoesNotContain(berth.StandardOutput, line => line.Contains("\"LogLevel\":\"Information\""));
        Assert.DoesNotContain(berth.StandardOutput, line => line.Contains("Application is shutting down"));
    }

    [Fact]
    public void Publish_produces_a_single_small_native_binary()
    {
        var files = Directory.GetFiles(Path.GetDirectoryName(binary.BinaryPath)!).Select(f => Path.GetFileName(f)!).ToArray();
        var size = new FileInfo(binary.BinaryPath).Length;
        output.WriteLine($"berth: {size / 1024.0 / 1024.0:0.0} MiB, AOT publish took {binary.PublishDuration.TotalSeconds:0} s");

        Assert.Equal(new[] { "berth" }, files);
        Assert.InRange(size, 1L << 20, 30L << 20);
        using var stream = File.OpenRead(binary.BinaryPath);
        var magic = new byte[4];
        stream.ReadExactly(magic);
        Assert.Equal("\u007fELF"u8.ToArray(), magic);
    }
}
