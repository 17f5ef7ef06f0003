using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Berth.App.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Berth.App.Tests;

/// <summary>Every endpoint through WebApplicationFactory&lt;Program&gt; (in-memory TestServer).</summary>
public sealed class EndpointTests(BerthAppFactory factory) : IClassFixture<BerthAppFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Health_answers_200_with_status_ok()
    {
        using var response = await _client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ok", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_answers_200_while_serving()
    {
        using var response = await _client.GetAsync("/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ready", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Version_reports_the_build_metadata_baked_into_the_assembly()
    {
        var body = await _client.GetFromJsonAsync<JsonElement>("/version");

        var expected = BuildInfo.Current;
        Assert.Equal(expected.Sha, body.GetProperty("sha").GetString());
        Assert.Equal(expected.Version, body.GetProperty("version").GetString());
        Assert.Equal(expected.BuildTime, body.GetProperty("buildTime").GetString());
        Assert.True(DateTimeOffset.TryParse(body.GetProperty("buildTime").GetString(), out _), "buildTime is a timestamp");
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("sha").GetString()));
    }

    [Fact]
    public async Task Root_reports_default_service_environment_and_web_mode()
    {
        var body = await _client.GetFromJsonAsync<JsonElement>("/");

        Assert.Equal("berth", body.GetProperty("service").GetString());
        Assert.Equal("development", body.GetProperty("environment").GetString());
        Assert.Equal("web", body.GetProperty("mode").GetString());
        Assert.False(body.TryGetProperty("worker", out _), "web mode has no worker block");
    }

    [Fact]
    public async Task Root_reads_service_name_and_environment_from_the_Berth_section()
    {
        using var configured = factory.WithWebHostBuilder(b => b
            .UseSetting("Berth:ServiceName", "berth-api")
            .UseSetting("Berth:Environment", "staging"));
        var body = await configured.CreateClient().GetFromJsonAsync<JsonElement>("/");

        Assert.Equal("berth-api", body.GetProperty("service").GetString());
        Assert.Equal("staging", body.GetProperty("environment").GetString());
    }

    [Theory]
    [InlineData("/delay?ms=10")]
    [InlineData("/delay")]
    public async Task Delay_is_404_with_the_default_settings(string url)
    {
        using var response = await _client.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private HttpClient DiagnosticsClient() =>
        factory.WithWebHostBuilder(b => b.UseSetting("Berth:DiagnosticsEnabled", "true")).CreateClient();

    [Fact]
    public async Task Delay_answers_200_after_the_requested_time_when_diagnostics_are_on()
    {
        var started = DateTime.UtcNow;
        using var response = await DiagnosticsClient().GetAsync("/delay?ms=150");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(140));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(150, body.GetProperty("delayedMs").GetInt32());
    }

    [Theory]
    [InlineData("/delay")]
    [InlineData("/delay?ms=-1")]
    [InlineData("/delay?ms=10001")]
    [InlineData("/delay?ms=abc")]
    [InlineData("/delay?ms=99999999999")]
    public async Task Delay_rejects_missing_or_out_of_range_durations_with_400(string url)
    {
        using var response = await DiagnosticsClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_route_is_404()
    {
        using var response = await _client.GetAsync("/does-not-exist");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("POST", "/health")]
    [InlineData("PUT", "/ready")]
    [InlineData("DELETE", "/version")]
    [InlineData("PATCH", "/")]
    public async Task Wrong_method_on_a_known_route_is_405(string method, string url)
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
