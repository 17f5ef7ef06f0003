using Berth.App;

// berth                 web mode: the HTTP API on ASPNETCORE_HTTP_PORTS (default 8080)
// berth worker          worker mode: the same API plus the periodic job (Berth:Worker:IntervalSeconds)
// berth --healthcheck   GET /health on 127.0.0.1, exit 0 when it answers 200 (container health check)
if (HealthCheckCommand.IsRequested(args))
{
    return await HealthCheckCommand.RunFromEnvironmentAsync(Console.Out);
}

var app = BerthApplication.Create(args);
await app.RunAsync();
return 0;

/// <summary>Entry point, public for WebApplicationFactory&lt;Program&gt; in tests.</summary>
public partial class Program;
