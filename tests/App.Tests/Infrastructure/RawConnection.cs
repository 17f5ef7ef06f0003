using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Berth.App.Tests.Infrastructure;

/// <summary>
/// One raw TCP connection to a loopback port that can carry several HTTP/1.1 exchanges (keep-alive, pipelining,
/// a request split across writes), reading each response to its end (Content-Length or chunked).
/// </summary>
public sealed class RawConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _timeout;
    private readonly List<byte> _pending = [];

    private RawConnection(Socket socket, CancellationTokenSource timeout)
    {
        _socket = socket;
        _timeout = timeout;
    }

    public static async Task<RawConnection> OpenAsync(int port, TimeSpan? timeout = null)
    {
        var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
        return new RawConnection(socket, cts);
    }

    public async Task SendAsync(string text) =>
        await _socket.SendAsync(Encoding.Latin1.GetBytes(text), SocketFlags.None, _timeout.Token);

    /// <summary>Reads one response: status code, headers (lower-cased names) and the body.</summary>
    public async Task<RawResponse> ReadResponseAsync()
    {
        int headerEnd;
        while ((headerEnd = IndexOf(_pending, "\r\n\r\n"u8)) < 0)
        {
            if (!await ReceiveAsync())
            {
                throw new InvalidOperationException(
                    $"connection closed before a complete response; got: '{Encoding.Latin1.GetString([.. _pending])}'");
            }
        }

        var head = Encoding.Latin1.GetString([.. _pending.GetRange(0, headerEnd)]);
        var lines = head.Split("\r\n");
        if (!lines[0].StartsWith("HTTP/1.1 ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"not an HTTP/1.1 response: '{head}'");
        }

        var headers = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .ToDictionary(parts => parts[0].Trim().ToLowerInvariant(), parts => parts[1].Trim());
        _pending.RemoveRange(0, headerEnd + 4);
        var status = int.Parse(lines[0].AsSpan(9, 3));
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding == "chunked")
        {
            var chunked = new List<byte>();
            while (true)
            {
                var size = int.Parse(await ReadLineAsync(), System.Globalization.NumberStyles.HexNumber);
                if (size == 0)
                {
                    await ReadLineAsync();
                    break;
                }

                chunked.AddRange(await ReadBytesAsync(size));
                await ReadLineAsync();
            }

            return new RawResponse(status, headers, Encoding.UTF8.GetString([.. chunked]));
        }

        var length = headers.TryGetValue("content-length", out var value) ? int.Parse(value) : 0;
        return new RawResponse(status, headers, Encoding.UTF8.GetString(await ReadBytesAsync(length)));
    }

    private async Task<string> ReadLineAsync()
    {
        int end;
        while ((end = IndexOf(_pending, "\r\n"u8)) < 0)
        {
            if (!await ReceiveAsync())
            {
                throw new InvalidOperationException("connection closed inside a chunked body");
            }
        }

        var line = Encoding.Latin1.GetString([.. _pending.GetRange(0, end)]);
        _pending.RemoveRange(0, end + 2);
        return line;
    }

    private async Task<byte[]> ReadBytesAsync(int count)
    {
        while (_pending.Count < count)
        {
            if (!await ReceiveAsync())
            {
                throw new InvalidOperationException("connection closed inside a response body");
            }
        }

        var bytes = _pending.GetRange(0, count).ToArray();
        _pending.RemoveRange(0, count);
        return bytes;
    }

    /// <summary>True when the server closes the connection (FIN or reset) with no further bytes within the timeout.</summary>
    public async Task<(bool Closed, string Received)> WaitForCloseAsync(TimeSpan within)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_timeout.Token);
        cts.CancelAfter(within);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    break;
                }

                _pending.AddRange(buffer.AsSpan(0, n));
            }
        }
        catch (SocketException)
        {
        }
        catch (OperationCanceledException)
        {
            return (false, Encoding.Latin1.GetString([.. _pending]));
        }

        return (true, Encoding.Latin1.GetString([.. _pending]));
    }

    public void Dispose()
    {
        _socket.Dispose();
        _timeout.Dispose();
    }

    private async Task<bool> ReceiveAsync()
    {
        var buffer = new byte[4096];
        var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _timeout.Token);
        _pending.AddRange(buffer.AsSpan(0, n));
        return n > 0;
    }

    private static int IndexOf(List<byte> haystack, ReadOnlySpan<byte> needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Count; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length && match; j++)
            {
                match = haystack[i + j] == needle[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }
}

public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body);
