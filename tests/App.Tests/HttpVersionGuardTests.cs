using System.Buffers;
using System.Text;
using Berth.App.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Verdict = Berth.App.HttpVersionGuard.Verdict;

namespace Berth.App.Tests;

/// <summary>
/// HttpVersionGuard on real Kestrel over TCP: every request line of a connection (not only the first) with an
/// unsupported HTTP version gets 400, never Kestrel's 505; good traffic is untouched; Kestrel's timeouts still apply.
/// </summary>
public sealed class HttpVersionGuardTests(LiveBerthServer server) : IClassFixture<LiveBerthServer>
{
    private const string Good = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    private const string BadVersion = "GET /health HTTP/1.2\r\nHost: 127.0.0.1\r\n\r\n";

    [Theory]
    [InlineData("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")]
    [InlineData("GET /health HTTP/1.0\r\n\r\n")]
    [InlineData("GET /health HTTP/1.1\nHost: 127.0.0.1\n\n")]
    [InlineData("\r\nGET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")]
    public async Task Supported_versions_pass_through(string request)
    {
        Assert.Equal(200, await RawHttp.SendAsync(server.Port, request));
    }

    [Fact]
    public async Task Keep_alive_good_request_then_bad_version_gets_200_then_400_and_close()
    {
        using var connection = await RawConnection.OpenAsync(server.Port);

        await connection.SendAsync(Good);
        var first = await connection.ReadResponseAsync();
        Assert.Equal(200, first.Status);
        Assert.False(first.Headers.ContainsKey("connection"), "the good request keeps the connection alive");

        await connection.SendAsync(BadVersion);
        var second = await connection.ReadResponseAsync();
        Assert.Equal(400, second.Status);
        Assert.Equal("close", second.Headers["connection"]);
        Assert.True((await connection.WaitForCloseAsync(TimeSpan.FromSeconds(5))).Closed);
    }

    [Fact]
    public async Task Several_good_requests_then_bad_version_on_one_connection()
    {
        using var connection = await RawConnection.OpenAsync(server.Port);
        foreach (var path in new[] { "/health", "/version", "/no/such/route", "/ready" })
        {
            await connection.SendAsync($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            Assert.InRange((await connection.ReadResponseAsync()).Status, 200, 404);
        }

        await connection.SendAsync("GET / HTTX/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        Assert.Equal(400, (await connection.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task Pipelined_good_then_bad_version_in_one_write_gets_200_then_400()
    {
        using var connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync(Good + BadVersion);

        Assert.Equal(200, (await connection.ReadResponseAsync()).Status);
        Assert.Equal(400, (await connection.ReadResponseAsync()).Status);
        Assert.True((await connection.WaitForCloseAsync(TimeSpan.FromSeconds(5))).Closed);
    }

    [Fact]
    public async Task Pipelined_good_requests_are_all_answered()
    {
        using var connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync(Good + Good + "GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + Good);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(200, (await connection.ReadResponseAsync()).Status);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task After_a_request_with_a_Content_Length_body_the_next_line_is_checked(bool splitBody)
    {
        using var connection = await RawConnection.OpenAsync(server.Port);
        const string head = "POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n";
        if (splitBody)
        {
            await connection.SendAsync(head + "hello");
            await Task.Delay(100);
            await connection.SendAsync("world");
        }
        else
        {
            await connection.SendAsync(head + "helloworld");
        }

        Assert.Equal(405, (await connection.ReadResponseAsync()).Status);

        // The body's bytes are not a request line; the line after them is.
        await connection.SendAsync(Good);
        Assert.Equal(200, (await connection.ReadResponseAsync()).Status);
        await connection.SendAsync(BadVersion);
        Assert.Equal(400, (await connection.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task A_body_that_looks_like_a_bad_request_line_is_not_judged()
    {
        using var connection = await RawConnection.OpenAsync(server.Port);
        const string body = "GET / HTTP/1.2\r\n";
        await connection.SendAsync(
            $"POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {body.Length}\r\n\r\n{body}{Good}");

        Assert.Equal(405, (await connection.ReadResponseAsync()).Status);
        Assert.Equal(200, (await connection.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task A_chunked_request_ends_the_connection_so_no_line_after_it_reaches_Kestrel_unchecked()
    {
        using var connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync(
            "POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + BadVersion);

        var response = await connection.ReadResponseAsync();
        Assert.Equal(405, response.Status);
        Assert.Equal("close", response.Headers["connection"]);
        var (closed, rest) = await connection.WaitForCloseAsync(TimeSpan.FromSeconds(5));
        Assert.True(closed, "the connection stays open");
        Assert.Equal("", rest);
    }

    [Theory]
    [InlineData("GET /health HTT", "P/1.2\r\nHost: 127.0.0.1\r\n\r\n", 400)]
    [InlineData("GET /health HTTP/1.", "2\r\nHost: 127.0.0.1\r\n\r\n", 400)]
    [InlineData("GET /health HTTP/1.2", "\r\nHost: 127.0.0.1\r\n\r\n", 400)]
    [InlineData("THIS IS NOT", " HTTP\r\n\r\n", 400)]
    [InlineData("GET /hea", "lth HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 200)]
    [InlineData("GET /health HTTP/1.1", "\r\nHost: 127.0.0.1\r\n\r\n", 200)]
    [InlineData("GET /health HTTP/1.1\r", "\nHost: 127.0.0.1\r\n\r\n", 200)]
    public async Task Request_line_split_across_TCP_writes_is_judged_once_complete(string first, string second, int expected)
    {
        using var connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync(first);
        await Task.Delay(200);
        await connection.SendAsync(second);

        Assert.Equal(expected, (await connection.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task Request_line_split_on_a_keep_alive_connection_is_judged_once_complete()
    {
        using var connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync(Good);
        Assert.Equal(200, (await connection.ReadResponseAsync()).Status);

        await connection.SendAsync("GET /health HT");
        await Task.Delay(200);
        await connection.SendAsync("TP/3\r\nHost: 127.0.0.1\r\n\r\n");
        Assert.Equal(400, (await connection.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task Silent_and_half_sent_clients_are_closed_by_Kestrels_timeouts_without_a_5xx()
    {
        // Kestrel waits for a connection's first byte as long as for a keep-alive request (KeepAliveTimeout), then
        // gives the request line and headers RequestHeadersTimeout. The guard never reads on its own, so both still
        // bound it; shortened here so the test is quick.
        var fast = LiveBerthServer.WithArguments([], builder => builder.WebHost.ConfigureKestrel(options =>
        {
            options.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(1);
            options.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(1);
        }));
        await fast.InitializeAsync();
        try
        {
            // No bytes at all: closed, nothing written.
            using (var silent = await RawConnection.OpenAsync(fast.Port, TimeSpan.FromSeconds(30)))
            {
                var (closed, received) = await silent.WaitForCloseAsync(TimeSpan.FromSeconds(10));
                Assert.True(closed, "a silent client holds the connection open");
                Assert.DoesNotMatch(@"^HTTP/1\.1 5", received);
            }

            // Half a request line, then silence: Kestrel's 408, not a 5xx.
            using (var slow = await RawConnection.OpenAsync(fast.Port, TimeSpan.FromSeconds(30)))
            {
                await slow.SendAsync("GET /health HTTP/1.");
                var (closed, received) = await slow.WaitForCloseAsync(TimeSpan.FromSeconds(10));
                Assert.True(closed, "a half-sent request line holds the connection open");
                Assert.StartsWith("HTTP/1.1 408 ", received);
            }

            using var client = fast.CreateClient();
            using var response = await client.GetAsync("/health");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            await fast.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n", Verdict.Valid)]
    [InlineData("GET / HTTP/1.0\r\n", Verdict.Valid)]
    [InlineData("GET / HTTP/1.1\n", Verdict.Valid)]
    [InlineData("\r\n\r\nGET / HTTP/1.1\r\n", Verdict.Valid)]
    [InlineData("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", Verdict.Valid)]
    [InlineData("GET / HTTP/1.2\r\n", Verdict.Invalid)]
    [InlineData("GET / HTTP/1.1 \r\n", Verdict.Invalid)]
    [InlineData("GET / HTTP/1.1\r\r\n", Verdict.Invalid)]
    [InlineData("GET /\r\n", Verdict.Invalid)]
    [InlineData("GET\r\n", Verdict.Invalid)]
    [InlineData("\n", Verdict.NeedMore)]
    [InlineData("", Verdict.NeedMore)]
    [InlineData("GET / HTTP/1.1", Verdict.NeedMore)]
    [InlineData("GET / HTTP/1.2\r", Verdict.NeedMore)]
    public void Inspects_only_a_complete_line(string text, Verdict expected)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        Assert.Equal(expected, HttpVersionGuard.InspectRequestLine(new ReadOnlySequence<byte>(bytes), 8192));

        // The same bytes split into one segment per byte (how a slow client's bytes can sit in the pipe).
        Assert.Equal(expected, HttpVersionGuard.InspectRequestLine(OneSegmentPerByte(bytes), 8192));
    }

    [Fact]
    public void A_line_longer_than_the_limit_is_left_to_Kestrel()
    {
        var line = Encoding.Latin1.GetBytes($"GET /{new string('a', 100)} HTTP/9.9\r\n");
        Assert.Equal(Verdict.TooLong, HttpVersionGuard.InspectRequestLine(new ReadOnlySequence<byte>(line), 64));
        Assert.Equal(Verdict.TooLong, HttpVersionGuard.InspectRequestLine(new ReadOnlySequence<byte>(line.AsMemory(0, 80)), 64));
        Assert.Equal(Verdict.Invalid, HttpVersionGuard.InspectRequestLine(new ReadOnlySequence<byte>(line), 1024));
    }

    private static ReadOnlySequence<byte> OneSegmentPerByte(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes.AsMemory(i, 1));
        }

        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
