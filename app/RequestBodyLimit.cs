using Microsoft.AspNetCore.Http.Features;

namespace Berth.App;

/// <summary>
/// No endpoint takes a request body, and Kestrel enforces MaxRequestBodySize only while a body is read: an unread
/// body over the limit used to get the endpoint's answer (200, 405) and then a connection reset. This middleware
/// reads and discards any body before routing, so Kestrel's own checks answer it: 413 for a body over the limit
/// (a declared Content-Length is refused before a byte is read), 400 for malformed chunking. Bodies within the
/// limit are discarded and the request goes on. Kestrel's minimum body data rate still applies to slow bodies.
/// </summary>
public static class RequestBodyLimit
{
    public static async Task DiscardBodyAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            var reader = context.Request.BodyReader;
            try
            {
                while (true)
                {
                    var read = await reader.ReadAsync(context.RequestAborted);
                    reader.AdvanceTo(read.Buffer.End);
                    if (read.IsCompleted)
                    {
                        break;
                    }
                }
            }
            catch (BadHttpRequestException ex)
            {
                context.Response.StatusCode = ex.StatusCode;
                return;
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
            {
                return; // the client went away
            }
        }

        await next(context);
    }
}
