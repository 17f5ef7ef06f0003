using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Berth.App.Tests.Infrastructure;

/// <summary>A loopback TCP server that answers every connection with fixed bytes (or nothing at all).</summary>
public sealed class StubTcpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _open = [];

    public StubTcpServer(string? response)
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync(response is null ? null : Encoding.ASCII.GetBytes(response));
    }

    public int Port { get; }

    public static StubTcpServer Answering(int status, string reason) =>
        new($"HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

    /// <summary>Accepts connections but never writes a byte.</summary>
    public static StubTcpServer Silent() => new(null);

    private async Task AcceptLoopAsync(byte[]? response)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_open)
                {
                    _open.Add(socket);
                }

                if (response is not null)
                {
                    var buffer = new byte[1024];
                    await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    await socket.SendAsync(response, SocketFlags.None, _stop.Token);
                    socket.Shutdown(SocketShutdown.Both);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_open)
        {
            _open.ForEach(s => s.Dispose());
        }

        _stop.Dispose();
    }
}
