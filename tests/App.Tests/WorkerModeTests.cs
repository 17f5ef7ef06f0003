using System.Net.Http.Json;
using System.Text.Json;
using Berth.App.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moq;

namespace Berth.App.Tests;

public sealed class WorkerModeTests
{
    [Fact]
    public async Task Worker_mode_from_configuration_serves_the_same_API_and_reports_job_runs()
    {
        var job = new Mock<IPeriodicJob>();
        await using var root = new BerthAppFactory();
        var factory = root.WithWebHostBuilder(b => b
            .UseSetting("Berth:Mode", "worker")
            .UseSetting("Berth:Worker:IntervalSeconds", "45")
            .ConfigureTestServices(services => services.AddSingleton(job.Object)));
        var client = factory.CreateClient();

        var status = factory.Services.GetRequiredService<WorkerStatus>();
        await Eventually.TrueAsync(() => status.RunCount >= 1, "the worker ran the job");
        var body = await client.GetFromJsonAsync<JsonElement>("/");

        Assert.Equal("worker", body.GetProperty("mode").GetString());
        var worker = body.GetProperty("worker");
        Assert.Equal(45, worker.GetProperty("intervalSeconds").GetInt32());
        Assert.True(worker.GetProperty("runCount").GetInt64() >= 1);
        Assert.True(worker.TryGetProperty("lastRunAt", out var lastRunAt) && lastRunAt.ValueKind == JsonValueKind.String);
        job.Verify(j => j.RunAsync(It.IsAny<CancellationToken>()), Times.AtLeastOnce);
        foreach (var url in new[] { "/health", "/ready", "/version" })
        {
            using var response = await client.GetAsync(url);
            Assert.True(response.IsSuccessStatusCode, url);
        }
    }

    [Fact]
    public async Task Worker_argument_selects_worker_mode_and_registers_the_job_worker()
    {
        var server = LiveBerthServer.WithArguments(["worker"]);
        await server.InitializeAsync();
        try
        {
            Assert.Contains(server.App.Services.GetServices<IHostedService>(), s => s is PeriodicJobWorker);
            var body = await server.CreateClient().GetFromJsonAsync<JsonElement>("/");
            Assert.Equal("worker", body.GetProperty("mode").GetString());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Web_mode_registers_no_job_worker()
    {
        await using var factory = new BerthAppFactory();
        _ = factory.CreateClient();

        Assert.DoesNotContain(factory.Services.GetServices<IHostedService>(), s => s is PeriodicJobWorker);
        Assert.Null(factory.Services.GetService<WorkerStatus>());
    }
}
