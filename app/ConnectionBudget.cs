using System.Text;
using Microsoft.AspNetCore.Connections;

namespace Berth.App;

/// <summary>
/// The number of connections one group of listeners (the serving port, or the health port) may hold at once, as
/// connection middleware. Used instead of KestrelServerLimits.MaxConcurrentConnections, for two reasons read in
/// Kestrel's source (dotnet/aspnetcore at 02fbb9c82fa0eb7691b54d883d7a54524c3945ff,
/// src/Servers/Kestrel/Core/src/Internal/KestrelServerImpl.cs, StartAsync/OnBind, and ConnectionLimitMiddleware.cs):
/// <list type="bullet">
/// <item>Kestrel wraps EACH bound endpoint in its own ConnectionLimitMiddleware with its own counter and the one
/// server-wide value, so a second listener would get as many connections again, not a small budget of its own.</item>
/// <item>Over the limit it logs a Warning for every refused connection (KestrelTrace.ConnectionRejected), so a
/// client holding the port full writes one log line per connection attempt.</item>
/// </list>
/// Over the budget a connection gets "503 Service Unavailable" and is closed; refusals are counted and logged at
/// most once per <see cref="LogInterval"/> (the count since the previous line).
/// </summary>
public sealed partial class ConnectionBudget(string name, int limit, ILogger logger, TimeProvider time)
{
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private static readonly byte[] Refusal = Encoding.ASCII.GetBytes(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

    private int _active;
    private long _refused;
    private long _refusedSinceLog;
    private long _lastLogTimestamp = long.MinValue;

    public string Name => name;

    public int Limit => limit;

    public int Active => Volatile.Read(ref _active);

    /// <summary>Connections refused since start.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>
    /// Connection middleware: runs <paramref name="next"/> while the budget has room, else answers 503 and closes.
    /// <paramref name="lifetime"/>, when set, aborts a connection that is still open after it.
    /// </summary>
    public Func<ConnectionDelegate, ConnectionDelegate> Middleware(TimeSpan? lifetime = null) => next => async connection =>
    {
        if (Interlocked.Increment(ref _active) > limit)
        {
            Interlocked.Decrement(ref _active);
            await RefuseAsync(connection);
            return;
        }

        try
        {
            if (lifetime is { } bound)
            {
                using var timer = new CancellationTokenSource(bound, time);
                using var abort = timer.Token.Register(
                    static state => ((ConnectionContext)state!).Abort(new ConnectionAbortedException("connection lifetime reached")),
                    connection);
                await next(connection);
            }
            else
            {
                await next(connection);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    };

    private async Task RefuseAsync(ConnectionContext connection)
    {
        Interlocked.Increment(ref _refused);
        Interlocked.Increment(ref _refusedSinceLog);
        MaybeLog();
        try
        {
            // A fresh socket's send buffer takes these few bytes at once; the client need not read them.
            await connection.Transport.Output.WriteAsync(Refusal);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or ConnectionResetException)
        {
            // The client is gone already.
        }
        finally
        {
            await connection.Transport.Input.CompleteAsync();
            await connection.Transport.Output.CompleteAsync();
        }
    }

    private void MaybeLog()
    {
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _lastLogTimestamp);
        if (last != long.MinValue && time.GetElapsedTime(last, now) < LogInterval)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _lastLogTimestamp, now, last) != last)
        {
            return; // another refusal is logging
        }

        LogSaturated(logger, name, limit, Interlocked.Exchange(ref _refusedSinceLog, 0), Refused, LogInterval.TotalSeconds);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning,
        Message = "The {Listener} port is full ({Limit} connections): refused {RefusedSinceLastLine} connections since the last line ({RefusedTotal} in all); logged at most every {IntervalSeconds} s")]
    private static partial void LogSaturated(ILogger logger, string listener, int limit, long refusedSinceLastLine,
        long refusedTotal, double intervalSeconds);
}
