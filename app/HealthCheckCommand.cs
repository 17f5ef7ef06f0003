using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Berth.App;

/// <summary>
/// <c>berth --healthcheck</c>: the container health check (chiseled images have no shell and no curl).
/// Sends <c>GET /health</c> to 127.0.0.1 on the health port (Berth__HealthPort, default 8081; <see cref="HealthPort"/>),
/// or, when that is 0, on the first port of ASPNETCORE_HTTP_PORTS (default 8080), and exits 0 on HTTP 200, else 1.
/// The health port has connections of its own, so a client holding every serving connection cannot fail this check. It speaks just enough HTTP/1.1 over a socket to read the status line, so it starts in
/// milliseconds and never builds the web host.
/// </summary>
public static class HealthCheckCommand
{
    public const string Argument = "--healthcheck";
    public const int DefaultPort = 8080;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    public static bool IsRequested(IReadOnlyList<string> args) =>
        args.Count > 0 && string.Equals(args[0], Argument, StringComparison.Ordinal);

    /// <summary>First port of an ASPNETCORE_HTTP_PORTS value ("8080" or "8080;8081"); 8080 when unset or invalid.</summary>
    public static int ResolvePort(string? httpPorts)
    {
        if (string.IsNullOrWhiteSpace(httpPorts))
        {
            return DefaultPort;
        }

        var first = httpPorts.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault();
        return int.TryParse(first, out var port) && port is > 0 and <= 65535 ? port : DefaultPort;
    }

    /// <summary>
    /// The port the check probes: Berth__HealthPort when it is a port (unset: <see cref="HealthPort.DefaultPort"/>, as
    /// the app defaults it), else (0, or not a port) the first port of ASPNETCORE_HTTP_PORTS.
    /// </summary>
    public static int ResolveProbePort(string? healthPort, string? httpPorts)
    {
        if (healthPort is null)
        {
            return HealthPort.DefaultPort;
        }

        return int.TryParse(healthPort.Trim(), out var port) && port is > 0 and <= 65535 ? port : ResolvePort(httpPorts);
    }

    public static Task<int> RunFromEnvironmentAsync(TextWriter output) =>
        RunAsync(ResolveProbePort(Environment.GetEnvironmentVariable("Berth__HealthPort"),
            Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")), DefaultTimeout, output);

    /// <returns>0 when GET http://127.0.0.1:{port}/health answers 200 within <paramref name="timeout"/>, else 1.</returns>
    public static async Task<int> RunAsync(int port, TimeSpan timeout, TextWriter? output = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var status = await GetStatusCodeAsync(port, cts.Token);
            if (status == 200)
            {
                return 0;
            }

            output?.WriteLine($"unhealthy: /health answered {status}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            output?.WriteLine($"unhealthy: no answer from 127.0.0.1:{port} within {timeout.TotalSeconds:0.#} s");
            return 1;
        }
        catch (Exception ex) when (ex is SocketException or IOException or FormatException)
        {
            output?.WriteLine($"unhealthy: 127.0.0.1:{port}: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> GetStatusCodeAsync(int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);

        var request = Encoding.ASCII.GetBytes(
            $"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: berth-healthcheck\r\nConnection: close\r\n\r\n");
        await socket.SendAsync(request, SocketFlags.None, cancellationToken);

        // Only the status line matters: "HTTP/1.1 200 OK\r\n".
        var buffer = new byte[128];
        var received = 0;
        while (received < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                break;
            }

            received += n;
            if (buffer.AsSpan(0, received).IndexOf("\r\n"u8) >= 0)
            {
                break;
            }
        }

        return ParseStatusCode(buffer.AsSpan(0, received));
    }

    internal static int ParseStatusCode(ReadOnlySpan<byte> response)
    {
        // "HTTP/1.x NNN ..."
        if (response.Length < 12 || !response.StartsWith("HTTP/1."u8) || response[8] != (byte)' ')
        {
            throw new FormatException("not an HTTP/1.x response");
        }

        var code = response.Slice(9, 3);
        if (!int.TryParse(Encoding.ASCII.GetString(code), System.Globalization.NumberStyles.None, null, out var status))
        {
            throw new FormatException("no HTTP status code");
        }

        return status;
    }
}
