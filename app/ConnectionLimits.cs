using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Berth.App;

/// <summary>
/// Kestrel's limits. Malformed or oversized requests are rejected by the server with a 4xx (400/408/413/414/431;
/// 505 for an unsupported HTTP version, as RFC 9110 section 15.6.6 defines) before they reach the app. Every
/// per-connection buffer is bounded and the number of connections is derived from the memory limit, so a flood of
/// connections that send what the app does not read (pipelined requests whose answers are never read, unread
/// bodies) cannot run the process out of memory: Kestrel's defaults buffer up to 1 MiB of unread input per
/// connection in the socket transport (SocketTransportOptions.MaxReadBufferSize) with no limit on connections.
/// </summary>
public sealed record ConnectionLimits(long MemoryLimitBytes, string MemoryLimitSource, int MaxConcurrentConnections,
    long? OpenFileLimit = null)
{
    public const long MaxRequestBodySize = 64 * 1024;
    public const int MaxRequestHeadersTotalSize = 16 * 1024;
    public const int MaxRequestHeaderCount = 64;
    public const int MaxRequestLineSize = 8 * 1024;
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Longer than an AWS ALB's default 60 s idle timeout, so the balancer closes idle connections first.</summary>
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(75);

    /// <summary>
    /// Unread input buffered per connection (socket transport read pipe, and Kestrel's request buffer). Kestrel
    /// requires it to hold the longest request line and the whole header block (KestrelServerImpl.ValidateOptions);
    /// small, so a connection with pipelined requests hands the thread back after a few hundred of them.
    /// </summary>
    public const int ReadBufferSize = MaxRequestHeadersTotalSize;

    /// <summary>Unsent output buffered per connection (Kestrel's response buffer, and the socket transport's write pipe).</summary>
    public const int WriteBufferSize = 16 * 1024;

    /// <summary>
    /// Worst-case managed memory one connection can hold: full read and write buffers (16 + 2 x 16 KiB), a request
    /// whose 16 KiB of headers are held as strings (up to 32 KiB), and the connection's own state (Kestrel's
    /// Http1Connection, pipes, socket; about 16 KiB).
    /// </summary>
    public const int BytesPerConnection = ReadBufferSize + 2 * WriteBufferSize + 2 * MaxRequestHeadersTotalSize + 16 * 1024;

    /// <summary>The app's managed heap before any connection (the GC heap of an idle process is a few MiB).</summary>
    public const long ManagedBaselineBytes = 8L * 1024 * 1024;

    /// <summary>Fewest connections allowed even under a tiny limit (the health check and a load balancer need some).</summary>
    public const int MinConnections = 64;

    /// <summary>
    /// Of <see cref="MaxConcurrentConnections"/>, those kept for the health port (<see cref="HealthPort"/>): the
    /// container check and the load balancer's nodes each open one connection per check and it closes after the answer.
    /// </summary>
    public const int HealthConnections = 16;

    /// <summary>Connections the serving port may hold at once: the rest of the memory-derived budget.</summary>
    public int ServingConnections => MaxConcurrentConnections - HealthConnections;

    /// <summary>Used when neither Berth:MemoryLimitMiB nor a cgroup limit says otherwise: the deployed task size.</summary>
    public const long DefaultMemoryLimitBytes = 512L * 1024 * 1024;

    /// <summary>
    /// Connections = (3/4 of the memory limit - the managed baseline) / worst case per connection, at least
    /// <see cref="MinConnections"/>. In a container the GC's heap hard limit is 75 % of the memory limit
    /// (GCHeapHardLimitPercent, https://learn.microsoft.com/dotnet/core/runtime-config/garbage-collector#heap-hard-limit-percent)
    /// and Kestrel's buffers come from its pinned memory pool on that heap; the other quarter holds the native code,
    /// the runtime and thread stacks (an idle process: about 20 MiB RSS).
    /// </summary>
    /// <param name="openFileLimit">
    /// The process's soft RLIMIT_NOFILE, when known: connections are also kept <see cref="FileDescriptorReserve"/>
    /// below it, so the connection cap, not the descriptor limit, is what a client holding sockets runs into (at the
    /// descriptor limit accept() fails and nothing, the health port included, gets a connection).
    /// </param>
    public static ConnectionLimits ForMemoryLimit(long memoryLimitBytes, string source, long? openFileLimit = null)
    {
        var connections = (memoryLimitBytes / 4 * 3 - ManagedBaselineBytes) / BytesPerConnection;
        if (openFileLimit is { } files)
        {
            connections = Math.Min(connections, files - FileDescriptorReserve);
        }

        return new ConnectionLimits(memoryLimitBytes, source, (int)Math.Clamp(connections, MinConnections, 1_000_000), openFileLimit);
    }

    /// <summary>Descriptors kept for all but connections: the runtime's own, the listeners, refusals being answered.</summary>
    public const int FileDescriptorReserve = 64;

    /// <summary>The soft "Max open files" of /proc/self/limits; null when unlimited or unreadable.</summary>
    public static long? ReadOpenFileLimit(string limitsPath = "/proc/self/limits")
    {
        try
        {
            foreach (var line in File.ReadLines(limitsPath))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return fields.Length > 0 && long.TryParse(fields[0], out var soft) && soft > 0 ? soft : null;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>
    /// Berth:MemoryLimitMiB when set, else the cgroup limit of the container, else 512 MiB; and the descriptor limit.
    /// </summary>
    public static ConnectionLimits Resolve(BerthOptions options, string cgroupRoot = "/sys/fs/cgroup",
        string processLimits = "/proc/self/limits")
    {
        var files = ReadOpenFileLimit(processLimits);
        if (options.MemoryLimitMiB > 0)
        {
            return ForMemoryLimit(options.MemoryLimitMiB * 1024L * 1024, "Berth:MemoryLimitMiB", files);
        }

        return ReadCgroupMemoryLimit(cgroupRoot) is { } cgroup
            ? ForMemoryLimit(cgroup.Bytes, cgroup.Source, files)
            : ForMemoryLimit(DefaultMemoryLimitBytes, "default (no cgroup memory limit)", files);
    }

    /// <summary>
    /// The memory limit of the process's cgroup as the container sees it: cgroup v2 memory.max ("max" = none), else
    /// cgroup v1 memory/memory.limit_in_bytes (a value near 2^63 = none). Null when there is no limit.
    /// </summary>
    public static (long Bytes, string Source)? ReadCgroupMemoryLimit(string cgroupRoot)
    {
        foreach (var file in new[] { "memory.max", Path.Combine("memory", "memory.limit_in_bytes") })
        {
            var path = Path.Combine(cgroupRoot, file);
            string text;
            try
            {
                text = File.ReadAllText(path).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (long.TryParse(text, out var bytes) && bytes > 0 && bytes < 1L << 60)
            {
                return (bytes, path);
            }

            return null; // "max" or the v1 "unlimited" value
        }

        return null;
    }

    /// <param name="budgets">
    /// The connection budget of each endpoint, as connection middleware (<see cref="ConnectionBudget"/>): Kestrel's
    /// MaxConcurrentConnections stays unset because Kestrel applies it to each endpoint separately and logs every
    /// refused connection.
    /// </param>
    public void ApplyTo(KestrelServerOptions options, ListenerBudgets budgets)
    {
        options.AddServerHeader = false;
        var limits = options.Limits;
        limits.MaxRequestBodySize = MaxRequestBodySize;
        limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalSize;
        limits.MaxRequestHeaderCount = MaxRequestHeaderCount;
        limits.MaxRequestLineSize = MaxRequestLineSize;
        limits.RequestHeadersTimeout = RequestHeadersTimeout;
        limits.KeepAliveTimeout = KeepAliveTimeout;
        limits.MaxRequestBufferSize = ReadBufferSize;
        limits.MaxResponseBufferSize = WriteBufferSize;
        limits.MaxConcurrentConnections = null;
        // No endpoint upgrades a connection (no WebSockets); an upgraded connection would leave the connection count.
        limits.MaxConcurrentUpgradedConnections = 0;
        // Applied to every endpoint, those from ASPNETCORE_HTTP_PORTS / urls included (Kestrel's AddressBinder calls
        // ApplyEndpointDefaults for each address): localhost's IPv4 and IPv6 clones share the middleware, so one budget.
        options.ConfigureEndpointDefaults(listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(budgets.MiddlewareFor(listen.IPEndPoint));
        });
    }

    /// <summary>Kernel send buffer of each accepted socket (inherited from the listening socket; Linux doubles it).</summary>
    public const int SocketSendBufferSize = 64 * 1024;

    public static void ApplyTo(SocketTransportOptions options)
    {
        options.MaxReadBufferSize = ReadBufferSize;
        options.MaxWriteBufferSize = WriteBufferSize;
        // A fixed send buffer instead of the kernel's autotuning (up to 4 MiB per socket): answers a client does not
        // read stall the connection sooner, so it holds less kernel memory and costs less CPU.
        options.CreateBoundListenSocket = endpoint =>
        {
            var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
            if (endpoint is System.Net.IPEndPoint)
            {
                socket.SendBufferSize = SocketSendBufferSize;
            }

            return socket;
        };
    }

    /// <summary>
    /// Middleware: each request waits its turn in the thread pool's global (FIFO) queue before it runs. Kestrel runs a
    /// connection's pipelined requests back to back, so without this a flood connection answers a whole read buffer
    /// of pipelined requests (hundreds) per turn, and a /health probe queued behind 300 such connections waits over a
    /// second at 0.25 vCPU; with it, each connection takes one request per turn. Costs one thread-pool hop per request
    /// (bench/image.sh measures it).
    /// </summary>
    public static async Task TakeTurnAsync(HttpContext context, RequestDelegate next)
    {
        await Task.Yield();
        await next(context);
    }
}
