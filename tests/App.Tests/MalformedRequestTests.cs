using System.Text;
using Berth.App.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Berth.App.Tests;

/// <summary>
/// Bad input gets a 4xx, or 505 for an HTTP version Kestrel does not speak (RFC 9110 section 15.6.6, "505 HTTP Version
/// Not Supported": https://www.rfc-editor.org/rfc/rfc9110#section-15.6.6), never another 5xx. Raw bytes over TCP to
/// real Kestrel (with the app's limits), since the in-memory TestServer neither parses HTTP nor enforces Kestrel limits.
/// </summary>
public sealed class MalformedRequestTests(LiveBerthServerWithDiagnostics server) : IClassFixture<LiveBerthServerWithDiagnostics>
{
    private const string Host = "Host: 127.0.0.1\r\n";

    public static TheoryData<string, string, int> Requests() => new()
    {
        { "unknown route", $"GET /no/such/route HTTP/1.1\r\n{Host}\r\n", 404 },
        { "wrong method", $"DELETE /health HTTP/1.1\r\n{Host}\r\n", 405 },
        { "oversized header (20 KB > 16 KB total)", $"GET /health HTTP/1.1\r\n{Host}X-Big: {new string('a', 20 * 1024)}\r\n\r\n", 431 },
        { "too many headers (100 > 64)", $"GET /health HTTP/1.1\r\n{Host}{string.Concat(Enumerable.Range(0, 100).Select(i => $"X-H{i}: v\r\n"))}\r\n", 431 },
        { "oversized body (100 KB > 64 KB) to a route without a body", $"POST /health HTTP/1.1\r\n{Host}Content-Length: 102400\r\n\r\n{new string('b', 102400)}", 413 },
        { "oversized body (100 KB > 64 KB) on a GET", $"GET /health HTTP/1.1\r\n{Host}Content-Length: 102400\r\n\r\n{new string('b', 102400)}", 413 },
        { "oversized declared Content-Length (1 GB)", $"POST / HTTP/1.1\r\n{Host}Content-Length: 1073741824\r\n\r\nabc", 413 },
        { "oversized chunked body (100 KB > 64 KB)", $"POST /ready HTTP/1.1\r\n{Host}Transfer-Encoding: chunked\r\n\r\n19000\r\n{new string('c', 0x19000)}\r\n0\r\n\r\n", 413 },
        { "non-numeric Content-Length", $"POST /health HTTP/1.1\r\n{Host}Content-Length: abc\r\n\r\n", 400 },
        { "conflicting Content-Length headers", $"POST /health HTTP/1.1\r\n{Host}Content-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400 },
        { "request line without a version", "GET /health\r\n\r\n", 400 },
        { "request line with spaces in the target", $"GET /he alth x HTTP/1.1\r\n{Host}\r\n", 400 },
        { "missing Host on HTTP/1.1", "GET /health HTTP/1.1\r\n\r\n", 400 },
        { "invalid Host value", "GET /health HTTP/1.1\r\nHost: exa mple.com\r\n\r\n", 400 },
        { "two Host headers", $"GET /health HTTP/1.1\r\n{Host}Host: other\r\n\r\n", 400 },
        { "absolute-form target disagreeing with Host", $"GET http://evil.example/health HTTP/1.1\r\n{Host}\r\n", 400 },
        { "control character in the path (routed, not found)", $"GET /hea\u0001lth HTTP/1.1\r\n{Host}\r\n", 404 },
        { "encoded NUL in the path", $"GET /health%00 HTTP/1.1\r\n{Host}\r\n", 400 },
        { "huge query string (9 KB > 8 KB request line)", $"GET /health?q={new string('q', 9 * 1024)} HTTP/1.1\r\n{Host}\r\n", 414 },
        { "header line without a colon", $"GET /health HTTP/1.1\r\n{Host}NoColonHere\r\n\r\n", 400 },
        { "invalid method token", $"G@T /health HTTP/1.1\r\n{Host}\r\n", 400 },
        { "invalid chunk size", $"POST /health HTTP/1.1\r\n{Host}Transfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n", 400 },
        // Chunk sizes past Kestrel's int: its parser raises an OverflowException inside an IOException (issue 22: was 500).
        { "chunk size 0x80000000", $"POST /health HTTP/1.1\r\n{Host}Transfer-Encoding: chunked\r\n\r\n80000000\r\nabc\r\n", 400 },
        { "chunk size FFFFFFFFFFFF", $"POST /health HTTP/1.1\r\n{Host}Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFF\r\nabc\r\n", 400 },
        { "chunk size of 20 hex digits", $"POST / HTTP/1.1\r\n{Host}Transfer-Encoding: chunked\r\n\r\n{new string('f', 20)}\r\nabc\r\n", 400 },
        { "bad query parameter type", $"GET /delay?ms=%FF%FE HTTP/1.1\r\n{Host}\r\n", 400 },
        { "out-of-range diagnostics delay", $"GET /delay?ms=999999 HTTP/1.1\r\n{Host}\r\n", 400 },
        // A well-formed request line with a version other than HTTP/1.0 or HTTP/1.1: 505 (RFC 9110 section 15.6.6).
        { "unknown HTTP version HTTP/1.2", $"GET /health HTTP/1.2\r\n{Host}\r\n", 505 },
        { "unknown HTTP version HTTP/2.0 over HTTP/1", $"GET /health HTTP/2.0\r\n{Host}\r\n", 505 },
        { "unknown HTTP version HTTP/0.9", $"GET /health HTTP/0.9\r\n{Host}\r\n", 505 },
        // Kestrel reads the last token of a request line as its version: anything but HTTP/1.0 or HTTP/1.1 -> 505.
        { "misspelled protocol HTTX/1.1", $"GET /health HTTX/1.1\r\n{Host}\r\n", 505 },
        { "lower-case protocol http/1.1", $"GET /health http/1.1\r\n{Host}\r\n", 505 },
        { "version with trailing junk", $"GET /health HTTP/1.1x\r\n{Host}\r\n", 400 },
        { "not HTTP at all", "THIS IS NOT HTTP\r\n\r\n", 505 },
        { "binary garbage line", "\u0016\u0003\u0001\u0002\u0000\u0001\r\n\r\n", 400 },
        { "unknown version with an oversized line (9 KB > 8 KB)", $"GET /health?q={new string('q', 9 * 1024)} HTTP/9.9\r\n{Host}\r\n", 414 },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Malformed_request_gets_a_4xx_or_505_never_another_5xx(string name, string request, int expected)
    {
        var status = await RawHttp.SendAsync(server.Port, Encoding.Latin1.GetBytes(request));

        Assert.True(status is >= 400 and <= 499 or 505, $"{name}: {status} is neither a 4xx nor 505");
        Assert.True(expected == status, $"{name}: expected {expected}, got {status}");
    }

    [Fact]
    public async Task The_server_still_answers_after_a_burst_of_malformed_requests()
    {
        foreach (var row in Requests())
        {
            await RawHttp.SendAsync(server.Port, Encoding.Latin1.GetBytes((string)row[1]));
        }

        using var client = server.CreateClient();
        using var response = await client.GetAsync("/health");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}

/// <summary>What malformed requests leave in the log, and how their connections end (issue 22).</summary>
public sealed class MalformedRequestLogTests
{
    private const string Host = "Host: 127.0.0.1\r\n";

    [Theory]
    [InlineData("80000000")]
    [InlineData("FFFFFFFFFFFF")]
    [InlineData("fffffffffffffffffffff")]
    public async Task An_overflowing_chunk_size_gets_400_and_closes_the_connection_with_no_error_logged(string chunkSize)
    {
        var logs = new CapturedLogs();
        var server = LiveBerthServer.WithArguments([], builder => builder.Logging.AddProvider(logs));
        await server.InitializeAsync();
        try
        {
            using var connection = await RawConnection.OpenAsync(server.Port);
            await connection.SendAsync($"POST /health HTTP/1.1\r\n{Host}Transfer-Encoding: chunked\r\n\r\n{chunkSize}\r\nabc\r\n");
            var response = await connection.ReadResponseAsync();
            Assert.Equal(400, response.Status);
            Assert.True((await connection.WaitForCloseAsync(TimeSpan.FromSeconds(5))).Closed, "the connection is closed after the 400");
        }
        finally
        {
            await server.DisposeAsync();
        }

        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.True(logs.Entries.Count(e => e.Level == LogLevel.Warning) <= 1, string.Join("\n", logs.Entries));
    }

    [Fact]
    public async Task A_chunked_HTTP_1_0_request_is_answered_and_its_connection_closed_even_with_keep_alive()
    {
        var server = LiveBerthServer.WithArguments([]);
        await server.InitializeAsync();
        try
        {
            using var connection = await RawConnection.OpenAsync(server.Port);
            // RFC 9112 section 6.1: an HTTP/1.0 message with Transfer-Encoding -> close after processing it.
            await connection.SendAsync(
                $"POST /health HTTP/1.0\r\n{Host}Connection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" +
                $"GET /health HTTP/1.1\r\n{Host}\r\n");
            var first = await connection.ReadResponseAsync();
            Assert.Equal(405, first.Status);
            var (closed, rest) = await connection.WaitForCloseAsync(TimeSpan.FromSeconds(5));
            Assert.True(closed, "the connection is closed after the first response");
            Assert.Equal("", rest);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
