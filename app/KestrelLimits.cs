using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Berth.App;

/// <summary>
/// Explicit Kestrel limits: malformed or oversized requests are rejected by the server with a 4xx
/// (400/408/413/414/431) before they reach the app; a request line with an unsupported HTTP version gets 400 from
/// <see cref="HttpVersionGuard"/> (Kestrel alone would answer 505).
/// </summary>
public static class KestrelLimits
{
    public const long MaxRequestBodySize = 64 * 1024;
    public const int MaxRequestHeadersTotalSize = 16 * 1024;
    public const int MaxRequestHeaderCount = 64;
    public const int MaxRequestLineSize = 8 * 1024;
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Longer than an AWS ALB's default 60 s idle timeout, so the balancer closes idle connections first.</summary>
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(75);

    public static void Apply(KestrelServerOptions options)
    {
        options.AddServerHeader = false;
        options.Limits.MaxRequestBodySize = MaxRequestBodySize;
        options.Limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalSize;
        options.Limits.MaxRequestHeaderCount = MaxRequestHeaderCount;
        options.Limits.MaxRequestLineSize = MaxRequestLineSize;
        options.Limits.RequestHeadersTimeout = RequestHeadersTimeout;
        options.Limits.KeepAliveTimeout = KeepAliveTimeout;
        options.Limits.MaxResponseBufferSize = 64 * 1024;
        options.ConfigureEndpointDefaults(listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            // An unsupported HTTP version gets 400, not Kestrel's 505 (HttpVersionGuard).
            listen.UseHttpVersionGuard();
        });
    }
}
