using Microsoft.AspNetCore.Http.Features;

namespace Berth.App;

/// <summary>
/// No endpoint takes a request body, and Kestrel enforces MaxRequestBodySize only while a body is read: an unread
/// body over the limit used to get the endpoint's answer (200, 405) and then a connection reset. This middleware
/// reads and discards any body before routing, so Kestrel's own checks answer it: 413 for a body over the limit
/// (a declared Content-Length is refused before a byte is read), 400 for malformed chunking. Bodies within the
/// limit are discarded and the request goes on. Kestrel's minimum body data rate still applies to slow bodies.
/// A chunk size that overflows Kestrel's parser (0x80000000 or more hex digits' worth) surfaces as an IOException,
/// not a BadHttpRequestException (Kestrel's Http1ChunkedEncodingMessageBody wraps the OverflowException): it gets
/// 400 as well, and the connection is closed after the answer since its framing is lost.
/// An HTTP/1.0 request with Transfer-Encoding is answered and then its connection is closed, whatever its
/// Connection header says: "A server or client that receives an HTTP/1.0 message containing a Transfer-Encoding
/// header field MUST treat the message as if the framing is faulty, even if a Content-Length is present, and close
/// the connection after processing the message" (RFC 9112 section 6.1, https://www.rfc-editor.org/rfc/rfc9112#section-6.1).
/// </summary>
public static class RequestBodyLimit
{
    public static async Task DiscardBodyAsync(HttpContext context, RequestDelegate next)
    {
        if (HttpProtocol.IsHttp10(context.Request.Protocol) && context.Request.Headers.TransferEncoding.Count > 0)
        {
            // Kestrel ends a keep-alive connection after a response that carries "Connection: close".
            context.Response.Headers.Connection = "close";
        }

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
            catch (IOException)
            {
                // Malformed framing Kestrel reports as an IOException (an overflowing chunk size): the client's fault.
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                context.Response.Headers.Connection = "close";
                return;
            }
        }

        await next(context);
    }
}
