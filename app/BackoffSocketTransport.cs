using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace Berth.App;

/// <summary>
/// Kestrel's socket transport with an accept loop that backs off when the process is out of file descriptors.
/// Kestrel's own listener (dotnet/aspnetcore src/Servers/Kestrel/Transport.Sockets/src/SocketConnectionListener.cs,
/// AcceptAsync) treats every SocketException from accept() but "operation aborted" as a connection reset in the
/// backlog and calls accept() again at once: with the descriptor limit reached (EMFILE/ENFILE, SocketError
/// TooManyOpenSockets) accept() fails immediately forever, so the process spins at full CPU and logs nothing above
/// Debug. Here such a failure is logged (at most once per <see cref="LogInterval"/>, with the count) and the next
/// accept() waits <see cref="Backoff"/>; pending connections wait in the kernel's backlog meanwhile. Connections are
/// made by the public SocketConnectionContextFactory with the same options (buffers, IO queues) as Kestrel's listener.
/// </summary>
public sealed partial class BackoffSocketTransport(IOptions<SocketTransportOptions> options, ILoggerFactory loggers, TimeProvider time)
    : IConnectionListenerFactory
{
    public static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger = loggers.CreateLogger<BackoffSocketTransport>();
    private readonly TimeProvider _time = time;
    private long _failuresSinceLog;
    private long _lastLogTimestamp = long.MinValue;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var transport = options.Value;
        Socket socket;
        try
        {
            socket = transport.CreateBoundListenSocket(endpoint);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            // What Kestrel's binder expects (it turns it into "address already in use", or tries IPv4 for *:port).
            throw new AddressInUseException(ex.Message, ex);
        }

        socket.Listen(transport.Backlog);
        var factory = new SocketConnectionContextFactory(
            new SocketConnectionFactoryOptions
            {
                IOQueueCount = transport.IOQueueCount,
                WaitForDataBeforeAllocatingBuffer = transport.WaitForDataBeforeAllocatingBuffer,
                MaxReadBufferSize = transport.MaxReadBufferSize,
                MaxWriteBufferSize = transport.MaxWriteBufferSize,
                UnsafePreferInlineScheduling = transport.UnsafePreferInlineScheduling,
            },
            loggers.CreateLogger("Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets"));
        return new ValueTask<IConnectionListener>(new Listener(this, socket, factory, transport.NoDelay));
    }

    private void OnOutOfDescriptors(SocketException ex)
    {
        Interlocked.Increment(ref _failuresSinceLog);
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastLogTimestamp);
        if (last != long.MinValue && _time.GetElapsedTime(last, now) < LogInterval)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _lastLogTimestamp, now, last) == last)
        {
            LogOutOfDescriptors(_logger, Interlocked.Exchange(ref _failuresSinceLog, 0), ex.Message, Backoff.TotalMilliseconds,
                LogInterval.TotalSeconds);
        }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning,
        Message = "Cannot accept connections: out of file descriptors ({Error}); {Failures} failed accepts since the last line, retrying every {BackoffMs} ms; logged at most every {IntervalSeconds} s")]
    private static partial void LogOutOfDescriptors(ILogger logger, long failures, string error, double backoffMs, double intervalSeconds);

    private sealed class Listener(BackoffSocketTransport transport, Socket socket, SocketConnectionContextFactory factory, bool noDelay)
        : IConnectionListener
    {
        public EndPoint EndPoint { get; } = socket.LocalEndPoint!;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            while (true)
            {
                try
                {
                    var accepted = await socket.AcceptAsync(cancellationToken);
                    if (accepted.LocalEndPoint is IPEndPoint)
                    {
                        accepted.NoDelay = noDelay;
                    }

                    return factory.Create(accepted);
                }
                catch (ObjectDisposedException)
                {
                    return null; // unbound
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.OperationAborted)
                {
                    return null; // unbound
                }
                catch (OperationCanceledException)
                {
                    return null;
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    transport.OnOutOfDescriptors(ex);
                    try
                    {
                        await Task.Delay(Backoff, transport._time, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        return null;
                    }
                }
                catch (SocketException)
                {
                    // A connection reset while it waited in the backlog: take the next one (as Kestrel does).
                }
            }
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            socket.Dispose();
            factory.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
