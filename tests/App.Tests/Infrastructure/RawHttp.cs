using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Berth.App.Tests.Infrastructure;

/// <summary>Sends raw bytes to a loopback port and reads the HTTP status line back (for requests no HttpClient sends).</summary>
public static class RawHttp
{
    public static async Task<int> SendAsync(int port, byte[] request, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
        try
        {
            await socket.SendAsync(request, SocketFlags.None, cts.Token);
        }
        catch (SocketException)
        {
            // The server may reject and close before it read everything (e.g. oversized headers); its answer is
            // still in our receive buffer.
        }

        var buffer = new byte[4096];
        var received = 0;
        while (received < buffer.Length)
        {
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, cts.Token);
            }
            catch (SocketException) when (received > 0)
            {
                break;
            }

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

        var text = Encoding.ASCII.GetString(buffer, 0, received);
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || text.Length < 12)
        {
            throw new InvalidOperationException($"no HTTP response, got: '{text}'");
        }

        return int.Parse(text.AsSpan(9, 3));
    }

    public static Task<int> SendAsync(int port, string request, TimeSpan? timeout = null) =>
        SendAsync(port, Encoding.Latin1.GetBytes(request), timeout);
}
