namespace Berth.App;

/// <summary>The unit of work the worker mode runs every Berth:Worker:IntervalSeconds.</summary>
public interface IPeriodicJob
{
    Task RunAsync(CancellationToken cancellationToken);
}
