using Berth.App.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Berth.App.Tests;

/// <summary>The "Berth" options are validated once at start: a bad value stops the app with an error naming it.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Berth:ShutdownTimeoutSeconds", "0", "Berth:ShutdownTimeoutSeconds is 0; allowed: an integer from 1 to 3600")]
    [InlineData("Berth:DrainDelaySeconds", "-1", "Berth:DrainDelaySeconds is -1; allowed: an integer from 0 to 3600")]
    [InlineData("Berth:Worker:IntervalSeconds", "0", "Berth:Worker:IntervalSeconds is 0; allowed: an integer from 1 to 86400")]
    [InlineData("Berth:MemoryLimitMiB", "-5", "Berth:MemoryLimitMiB is -5; allowed: an integer from 0 to 1048576")]
    [InlineData("Berth:Mode", "batch", "Berth:Mode is 'batch'; allowed: 'web', 'worker'")]
    public async Task A_bad_setting_stops_the_start_with_an_error_naming_key_value_and_what_is_allowed(
        string key, string value, string expected)
    {
        var server = LiveBerthServer.WithArguments([$"--{key}={value}"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(server.InitializeAsync);

        Assert.Contains(expected, error.Message);
        await server.DisposeAsync();
    }

    [Fact]
    public void Every_bad_setting_is_reported_at_once_and_the_mode_is_case_insensitive()
    {
        var result = new BerthOptionsValidator().Validate(null, new BerthOptions
        {
            ShutdownTimeoutSeconds = 3601,
            DrainDelaySeconds = 3601,
            Mode = "",
            Worker = new WorkerOptions { IntervalSeconds = 86_401 },
        });

        Assert.True(result.Failed);
        Assert.Equal(
            [
                "Berth:ShutdownTimeoutSeconds is 3601; allowed: an integer from 1 to 3600",
                "Berth:DrainDelaySeconds is 3601; allowed: an integer from 0 to 3600",
                "Berth:Worker:IntervalSeconds is 86401; allowed: an integer from 1 to 86400",
                "Berth:Mode is ''; allowed: 'web', 'worker'",
            ],
            result.Failures);
        Assert.True(new BerthOptionsValidator().Validate(null, new BerthOptions { Mode = "WORKER", MemoryLimitMiB = 1024 * 1024 }).Succeeded);
    }

    [Fact]
    public async Task The_defaults_are_valid_and_the_clamps_are_gone_the_values_are_used_as_given()
    {
        var server = LiveBerthServer.WithArguments(["worker", "--Berth:ShutdownTimeoutSeconds=1", "--Berth:Worker:IntervalSeconds=1"]);
        await server.InitializeAsync();
        try
        {
            Assert.Equal(TimeSpan.FromSeconds(1), server.App.Services.GetRequiredService<IOptions<Microsoft.Extensions.Hosting.HostOptions>>().Value.ShutdownTimeout);
            Assert.Equal(TimeSpan.FromSeconds(1), server.App.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<PeriodicJobWorker>().Single().Interval);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>Connection limits derived from the memory limit, and what Kestrel and its socket transport get.</summary>
public sealed class ConnectionLimitsTests : IDisposable
{
    private readonly string _cgroup = Directory.CreateTempSubdirectory("berth-cgroup-").FullName;

    public void Dispose() => Directory.Delete(_cgroup, recursive: true);

    [Theory]
    [InlineData("memory.max", "67108864\n", 67108864L)]
    [InlineData("memory.max", "max\n", null)]
    [InlineData("memory/memory.limit_in_bytes", "536870912\n", 536870912L)]
    [InlineData("memory/memory.limit_in_bytes", "9223372036854771712\n", null)] // cgroup v1: no limit
    public void Reads_the_cgroup_v2_or_v1_memory_limit(string file, string content, long? expected)
    {
        var path = Path.Combine(_cgroup, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);

        Assert.Equal(expected, ConnectionLimits.ReadCgroupMemoryLimit(_cgroup)?.Bytes);
    }

    [Fact]
    public void The_option_wins_over_the_cgroup_and_without_either_the_task_size_is_assumed()
    {
        File.WriteAllText(Path.Combine(_cgroup, "memory.max"), "67108864");

        Assert.Equal(128L << 20, ConnectionLimits.Resolve(new BerthOptions { MemoryLimitMiB = 128 }, _cgroup).MemoryLimitBytes);
        Assert.Equal(64L << 20, ConnectionLimits.Resolve(new BerthOptions(), _cgroup).MemoryLimitBytes);
        Assert.Equal(512L << 20, ConnectionLimits.Resolve(new BerthOptions(), Path.Combine(_cgroup, "none")).MemoryLimitBytes);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(512)]
    [InlineData(4096)]
    public void Full_buffers_on_every_allowed_connection_fit_in_the_memory_limit(int mib)
    {
        var limits = ConnectionLimits.ForMemoryLimit(mib * 1024L * 1024, "test");

        // Each connection can hold its read buffer, its write buffers and its request headers as UTF-16 strings.
        long worstCase = ConnectionLimits.ReadBufferSize + 2L * ConnectionLimits.WriteBufferSize + 2L * ConnectionLimits.MaxRequestHeadersTotalSize;
        Assert.True(limits.MaxConcurrentConnections * worstCase < mib * 1024L * 1024 * 3 / 4,
            $"{limits.MaxConcurrentConnections} connections x {worstCase} B within 3/4 of {mib} MiB (the GC's default heap hard limit)");
        Assert.True(limits.MaxConcurrentConnections >= 300, "a few hundred connections even at 64 MiB");
    }

    [Fact]
    public void The_connection_cap_stays_below_the_open_file_limit_so_descriptors_are_not_what_runs_out()
    {
        var limits = Path.Combine(_cgroup, "limits");
        File.WriteAllText(limits,
            "Limit                     Soft Limit           Hard Limit           Units     \n" +
            "Max open files            1024                 4096                 files     \n");
        var byMemory = ConnectionLimits.ForMemoryLimit(512L << 20, "Berth:MemoryLimitMiB");

        var capped = ConnectionLimits.Resolve(new BerthOptions { MemoryLimitMiB = 512 }, _cgroup, limits);

        Assert.Equal(1024, capped.OpenFileLimit);
        Assert.True(capped.MaxConcurrentConnections < byMemory.MaxConcurrentConnections, "the descriptor limit binds");
        Assert.True(capped.MaxConcurrentConnections <= 1024 - ConnectionLimits.FileDescriptorReserve,
            $"{capped.MaxConcurrentConnections} connections leave {ConnectionLimits.FileDescriptorReserve} of 1024 descriptors");

        File.WriteAllText(limits, "Max open files            unlimited            unlimited            files     \n");
        var unlimited = ConnectionLimits.Resolve(new BerthOptions { MemoryLimitMiB = 512 }, _cgroup, limits);
        Assert.Null(unlimited.OpenFileLimit);
        Assert.Equal(byMemory.MaxConcurrentConnections, unlimited.MaxConcurrentConnections);
    }

    [Fact]
    public void Twice_the_memory_allows_more_connections()
    {
        Assert.True(ConnectionLimits.ForMemoryLimit(1024L << 20, "t").MaxConcurrentConnections >
                    ConnectionLimits.ForMemoryLimit(512L << 20, "t").MaxConcurrentConnections);
    }

    [Fact]
    public async Task Kestrel_and_the_socket_transport_get_bounded_buffers_and_a_connection_limit()
    {
        var server = LiveBerthServer.WithArguments(["--Berth:MemoryLimitMiB=64"]);
        await server.InitializeAsync();
        try
        {
            var kestrel = server.App.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;
            var sockets = server.App.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
            var expected = ConnectionLimits.ForMemoryLimit(64L << 20, "Berth:MemoryLimitMiB");

            // Kestrel's defaults: 1 MiB read buffer, 64 KiB write buffer, unlimited connections and upgrades.
            Assert.Equal(ConnectionLimits.ReadBufferSize, sockets.MaxReadBufferSize);
            Assert.Equal(ConnectionLimits.WriteBufferSize, sockets.MaxWriteBufferSize);
            Assert.Equal(ConnectionLimits.ReadBufferSize, kestrel.MaxRequestBufferSize);
            Assert.Equal(ConnectionLimits.WriteBufferSize, kestrel.MaxResponseBufferSize);
            // Kestrel's own limit stays off: it would apply per endpoint and log each refusal (ConnectionBudget.cs).
            Assert.Null(kestrel.MaxConcurrentConnections);
            var budgets = server.App.Services.GetRequiredService<ListenerBudgets>();
            Assert.Equal(expected.MaxConcurrentConnections, budgets.Serving.Limit + budgets.Health.Limit);
            Assert.Equal(ConnectionLimits.HealthConnections, budgets.Health.Limit);
            Assert.Equal(0, kestrel.MaxConcurrentUpgradedConnections);
            Assert.InRange(ConnectionLimits.ReadBufferSize, Math.Max(ConnectionLimits.MaxRequestLineSize, ConnectionLimits.MaxRequestHeadersTotalSize), 64 * 1024);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
