using System.Net;
using Berth.App.Tests.Infrastructure;

namespace Berth.App.Tests;

/// <summary>
/// The probe endpoints on real Kestrel: HEAD is answered like GET without a body (RFC 9110 section 9.3.2,
/// https://www.rfc-editor.org/rfc/rfc9110#section-9.3.2: "identical to GET except that the server MUST NOT send
/// content"), and other methods get 405.
/// </summary>
public sealed class ProbeEndpointTests(LiveBerthServer server) : IClassFixture<LiveBerthServer>
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/ready")]
    public async Task HEAD_answers_like_GET_without_a_body(string path)
    {
        // One keep-alive connection for all three: a body sent after a HEAD answer would corrupt the next response.
        using var client = server.CreateClient();
        using var get = await client.GetAsync(path);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        using var again = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(await get.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HEAD_responses_carry_no_body_bytes_on_the_wire()
    {
        using var connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync("HEAD /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nHEAD /ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        var (closed, received) = await connection.WaitForCloseAsync(TimeSpan.FromSeconds(5));

        Assert.True(closed, "the server closed after the second answer");
        var answers = received.Split("HTTP/1.1 ", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, answers.Length);
        Assert.All(answers, answer =>
        {
            Assert.StartsWith("200 OK\r\n", answer);
            Assert.EndsWith("\r\n\r\n", answer); // headers only
        });
    }

    [Theory]
    [InlineData("POST", "/health")]
    [InlineData("PUT", "/ready")]
    [InlineData("DELETE", "/health")]
    public async Task Other_methods_on_the_probes_are_405(string method, string path)
    {
        using var client = server.CreateClient();
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
