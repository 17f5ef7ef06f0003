using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Berth.App.Tests.Infrastructure;

/// <summary>The real Program on the in-memory TestServer, with framework logs turned down.</summary>
public class BerthAppFactory : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}
