using System.Net;
using Berth.App.Tests.Infrastructure;

namespace Berth.App.Tests;

/// <summary>
/// Request bodies on real Kestrel: over Kestrel's MaxRequestBodySize (64 KiB) -> 413 "Content Too Large" (RFC 9110
/// section 15.5.14, https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14), not the endpoint's answer and a reset.
/// </summary>
public sealed class RequestBodyLimitTests(LiveBerthServer server) : IClassFixture<LiveBerthServer>
{
    private const int OverLimit = (int)ConnectionLimits.MaxRequestBodySize + 1;

    [Theory]
    [InlineData("GET", "/health")]
    [InlineData("POST", "/health")]
    [InlineData("GET", "/version")]
    [InlineData("POST", "/")]
    public async Task A_declared_body_over_the_limit_gets_413(string method, string path)
    {
        using var connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync($"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {OverLimit}\r\n\r\n");
        await connection.SendAsync(new string('x', 1024)); // some of it; the answer must not wait for the rest

        var response = await connection.ReadResponseAsync();

        Assert.Equal(413, response.Status);
    }

    [Fact]
    public async Task A_chunked_body_that_grows_over_the_limit_gets_413()
    {
        using var connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (var sent = 0; sent < OverLimit; sent += 8192)
        {
            await connection.SendAsync($"2000\r\n{new string('y', 8192)}\r\n");
        }

        var response = await connection.ReadResponseAsync();

        Assert.Equal(413, response.Status);
    }

    [Fact]
    public async Task A_body_within_the_limit_is_discarded_and_the_connection_keeps_working()
    {
        using var connection = await RawConnection.OpenAsync(server.Port);
        var body = new string('z', 60 * 1024);
        await connection.SendAsync($"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        await connection.SendAsync("GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        var first = await connection.ReadResponseAsync();
        var second = await connection.ReadResponseAsync();

        Assert.Equal(200, first.Status);
        Assert.Contains("ok", first.Body);
        Assert.Equal(200, second.Status);
        Assert.Contains("ready", second.Body);
    }

    [Fact]
    public async Task The_server_answers_after_413s()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(413, await RawHttp.SendAsync(server.Port,
                $"POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {OverLimit}\r\n\r\n"));
        }

        using var client = server.CreateClient();
        using var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
