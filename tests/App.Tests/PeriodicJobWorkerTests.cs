using Berth.App.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Berth.App.Tests;

/// <summary>The worker loop, with the job mocked (Moq) and time faked (FakeTimeProvider).</summary>
public sealed class PeriodicJobWorkerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly Mock<IPeriodicJob> _job = new();
    private readonly WorkerStatus _status = new();

    private PeriodicJobWorker CreateWorker(int intervalSeconds = 30) => new(
        _job.Object, _status, _time,
        Options.Create(new BerthOptions { Worker = new WorkerOptions { IntervalSeconds = intervalSeconds } }),
        NullLogger<PeriodicJobWorker>.Instance);

    [Fact]
    public async Task Runs_the_job_once_at_start()
    {
        using var worker = CreateWorker();

        await worker.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => _status.RunCount == 1, "the first run is recorded");

        _job.Verify(j => j.RunAsync(It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(_time.GetUtcNow(), _status.LastRunAt);
        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Runs_again_each_time_the_interval_elapses_and_not_before()
    {
        using var worker = CreateWorker(intervalSeconds: 30);
        await worker.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => _status.RunCount == 1, "the first run is recorded");

        _time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50);
        Assert.Equal(1, _status.RunCount);

        _time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => _status.RunCount == 2, "the second run after 30 s");
        Assert.Equal(_time.GetUtcNow(), _status.LastRunAt);

        _time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => _status.RunCount == 3, "the third run after 60 s");

        _job.Verify(j => j.RunAsync(It.IsAny<CancellationToken>()), Times.Exactly(3));
        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_failing_run_is_counted_and_the_worker_keeps_going()
    {
        _job.SetupSequence(j => j.RunAsync(It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("downstream unavailable"))
            .Returns(Task.CompletedTask);
        using var worker = CreateWorker(intervalSeconds: 5);

        await worker.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => _status.FailureCount == 1, "the failure is recorded");
        Assert.Equal(0, _status.RunCount);

        _time.Advance(TimeSpan.FromSeconds(5));
        await Eventually.TrueAsync(() => _status.RunCount == 1, "the next run succeeds");
        Assert.Equal(1, _status.FailureCount);
        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Stopping_cancels_the_running_job_and_ends_the_loop()
    {
        var tokenSeen = new TaskCompletionSource<CancellationToken>();
        _job.Setup(j => j.RunAsync(It.IsAny<CancellationToken>()))
            .Returns<CancellationToken>(async token =>
            {
                tokenSeen.TrySetResult(token);
                await Task.Delay(Timeout.Infinite, token);
            });
        using var worker = CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        var token = await tokenSeen.Task.WaitAsync(TimeSpan.FromSeconds(5));

        await worker.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(token.IsCancellationRequested);
        Assert.Equal(0, _status.RunCount);
        Assert.Equal(0, _status.FailureCount);
        _time.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(50);
        _job.Verify(j => j.RunAsync(It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData(30, 30)]
    [InlineData(5, 5)]
    [InlineData(1, 1)]
    public void Interval_comes_from_Berth_Worker_IntervalSeconds(int configured, int expected)
    {
        using var worker = CreateWorker(configured);

        Assert.Equal(TimeSpan.FromSeconds(expected), worker.Interval);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-10)]
    public void An_interval_below_1_s_is_rejected_by_validation_not_clamped(int configured)
    {
        var result = new BerthOptionsValidator().Validate(null, new BerthOptions { Worker = new WorkerOptions { IntervalSeconds = configured } });

        Assert.True(result.Failed);
        Assert.Contains($"Berth:Worker:IntervalSeconds is {configured}", result.FailureMessage);
    }
}
