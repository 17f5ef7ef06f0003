using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Berth.App;

/// <summary>
/// "Bad input never yields a 5xx": Kestrel answers a request line whose version is not HTTP/1.0 or HTTP/1.1
/// (<c>GET / HTTP/1.2</c>, <c>GET / HTTX/1.1</c>, <c>THIS IS NOT HTTP</c>) with 505 before any app code runs. This
/// guard sits between the socket and Kestrel's HTTP/1.x parser and answers such lines with
/// <c>400 Bad Request</c> + <c>Connection: close</c> instead.
/// </summary>
/// <remarks>
/// <para>
/// How: a connection middleware (registered on every endpoint by <see cref="KestrelLimits.Apply"/>) hands Kestrel a
/// transport whose input is <see cref="GuardedReader"/>. The reader never consumes, copies or delays bytes: when
/// Kestrel is about to parse a request line, it looks at what Kestrel's own read returned, and only once a whole line
/// (up to <c>\n</c>) is buffered does it judge the version token. A good line, an incomplete line, or one longer than
/// <see cref="KestrelServerLimits.MaxRequestLineSize"/> (Kestrel answers 414) is passed through untouched, so Kestrel
/// parses exactly the same bytes as without the guard. A bad line gets the 400 and Kestrel sees a clean end of input
/// between requests, so it closes the connection without writing anything of its own.
/// </para>
/// <para>
/// Timeouts: the guard never reads on its own; it only inspects the reads Kestrel makes. A silent or slow client is
/// therefore still bounded by Kestrel's <see cref="KestrelServerLimits.RequestHeadersTimeout"/> /
/// <see cref="KestrelServerLimits.KeepAliveTimeout"/> (see <see cref="KestrelLimits"/>), exactly as before.
/// </para>
/// <para>
/// Keep-alive: every request line on a connection is checked, not only the first. The guard does not parse HTTP
/// framing itself (a second parser disagreeing with Kestrel's would be a smuggling risk). Instead
/// <see cref="UseHttpVersionGuard"/>, the first middleware of the app, tells it how the request Kestrel has just
/// parsed is framed, using Kestrel's own parse: with no body, the next line starts where Kestrel stopped reading the
/// headers; with <c>Content-Length: n</c>, after Kestrel has consumed n more bytes. For the two framings whose end
/// the guard cannot know without parsing (<c>Transfer-Encoding</c>, e.g. chunked; an upgradable request) the
/// response carries <c>Connection: close</c>, so Kestrel never parses another request on that connection.
/// </para>
/// <para>
/// Relies on two Kestrel HTTP/1.x behaviours (covered by HttpVersionGuardTests): it reads the input during a request
/// only for the body, and it has flushed a response before it reads the next request line, so the 400 never
/// interleaves with Kestrel's output. If <see cref="UseHttpVersionGuard(IApplicationBuilder)"/> did not run for a
/// request (a middleware ahead of it short-circuiting), the guard fails open: later lines on that connection go to
/// Kestrel unchecked (505, as without the guard), never a rejected good request.
/// </para>
/// <para>
/// Plain HTTP only: the guard must see the HTTP bytes, so it must not sit outside a TLS layer. Berth listens on plain
/// HTTP (TLS ends at the load balancer); an HTTPS endpoint would need the guard after <c>UseHttps</c>.
/// </para>
/// <para>
/// Cost: one object per connection; per read, a state check; per request, one scan of the request line (bounded by
/// MaxRequestLineSize) in the buffer Kestrel already holds, and a pooled state machine when the read completes
/// asynchronously. AOT-safe (no reflection).
/// </para>
/// </remarks>
public static class HttpVersionGuard
{
    /// <summary>The answer to a request line with an unsupported HTTP version.</summary>
    internal static readonly ReadOnlyMemory<byte> RejectionResponse =
        "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"u8.ToArray();

    /// <summary>Adds the guard to a Kestrel endpoint (use in <c>ConfigureEndpointDefaults</c>).</summary>
    public static ListenOptions UseHttpVersionGuard(this ListenOptions listenOptions)
    {
        var maxRequestLineSize = listenOptions.KestrelServerOptions.Limits.MaxRequestLineSize;
        listenOptions.Use(next => connection => GuardAsync(connection, next, maxRequestLineSize));
        return listenOptions;
    }

    /// <summary>
    /// Tells the connection's guard how each request is framed, so it can check the next request line on a keep-alive
    /// connection. Register first; a no-op outside Kestrel (e.g. the in-memory TestServer).
    /// </summary>
    public static IApplicationBuilder UseHttpVersionGuard(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            context.Features.Get<GuardedReader>()?.OnRequestHeadersParsed(context);
            return next(context);
        });

    private static async Task GuardAsync(ConnectionContext connection, ConnectionDelegate next, int maxRequestLineSize)
    {
        var transport = connection.Transport;
        var reader = new GuardedReader(transport.Input, transport.Output, maxRequestLineSize);
        connection.Features.Set(reader);
        connection.Transport = new GuardedTransport(reader, transport.Output);
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }
    }

    /// <summary>What the guard makes of the bytes at the start of a request.</summary>
    public enum Verdict
    {
        /// <summary>No complete line yet: let Kestrel read on (its timeouts apply).</summary>
        NeedMore,

        /// <summary>A line ending in HTTP/1.0 or HTTP/1.1.</summary>
        Valid,

        /// <summary>A complete line whose version token is anything else (or missing).</summary>
        Invalid,

        /// <summary>Longer than the request-line limit: Kestrel answers 414 itself.</summary>
        TooLong,
    }

    /// <summary>
    /// Judges the request line at the start of <paramref name="buffer"/> (empty lines before it are skipped, as a
    /// server may do per RFC 9112 2.2). Only the version token is judged: METHOD SP TARGET SP VERSION, the form
    /// Kestrel accepts, with an optional CR before the LF.
    /// </summary>
    public static Verdict InspectRequestLine(ReadOnlySequence<byte> buffer, int maxRequestLineSize)
    {
        var reader = new SequenceReader<byte>(buffer);
        reader.AdvancePastAny((byte)'\r', (byte)'\n');
        var window = reader.UnreadSequence;
        if (window.Length > maxRequestLineSize + 1L)
        {
            window = window.Slice(0, maxRequestLineSize + 1L);
        }

        if (window.PositionOf((byte)'\n') is not { } newline)
        {
            return window.Length > maxRequestLineSize ? Verdict.TooLong : Verdict.NeedMore;
        }

        var line = new SequenceReader<byte>(window.Slice(0, newline));
        if (!line.TryAdvanceTo((byte)' ') || !line.TryAdvanceTo((byte)' '))
        {
            return Verdict.Invalid;
        }

        var version = line.UnreadSequence;
        if (version.Length == 9)
        {
            var last = version.Slice(8);
            if (last.FirstSpan[0] != (byte)'\r')
            {
                return Verdict.Invalid;
            }

            version = version.Slice(0, 8);
        }

        if (version.Length != 8)
        {
            return Verdict.Invalid;
        }

        Span<byte> token = stackalloc byte[8];
        version.CopyTo(token);
        return token.SequenceEqual("HTTP/1.1"u8) || token.SequenceEqual("HTTP/1.0"u8) ? Verdict.Valid : Verdict.Invalid;
    }

    private sealed class GuardedTransport(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>
    /// Kestrel's view of the connection's input. Also the connection feature through which the app's first middleware
    /// reports each request's framing.
    /// </summary>
    internal sealed class GuardedReader(PipeReader inner, PipeWriter output, int maxRequestLineSize) : PipeReader
    {
        private enum State
        {
            /// <summary>Kestrel will parse a request line next: inspect what it reads.</summary>
            AwaitingRequestLine,

            /// <summary>Inside a request (line judged; headers, app, body without a known end): pass through.</summary>
            InRequest,

            /// <summary>Inside a Content-Length body: count what Kestrel consumes until the body ends.</summary>
            InBody,

            /// <summary>The 400 is written: Kestrel only ever sees the end of input.</summary>
            Rejected,
        }

        private State _state = State.AwaitingRequestLine;
        private long _bodyRemaining;
        private ReadOnlySequence<byte> _lastBuffer;

        /// <summary>Called by the app's first middleware, once Kestrel has parsed a request's headers.</summary>
        public void OnRequestHeadersParsed(HttpContext context)
        {
            var request = context.Request;
            if (request.Headers.TransferEncoding.Count > 0
                || context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true })
            {
                // The body's end is only known to Kestrel's chunked/upgrade parser: this request is the connection's
                // last, so no further request line reaches Kestrel unchecked.
                _state = State.InRequest;
                context.Response.OnStarting(static state =>
                {
                    var response = ((HttpContext)state).Response;
                    if (response.StatusCode != StatusCodes.Status101SwitchingProtocols)
                    {
                        response.Headers.Connection = "close";
                    }

                    return Task.CompletedTask;
                }, context);
                return;
            }

            // Kestrel has consumed exactly up to the end of the headers by now (it advances past them before it runs
            // the app, and reads the body only when asked), so the next request starts after Content-Length bytes.
            var length = request.ContentLength ?? 0;
            if (length > 0)
            {
                _bodyRemaining = length;
                _state = State.InBody;
            }
            else
            {
                _state = State.AwaitingRequestLine;
            }
        }

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
            _state == State.InRequest ? inner.ReadAsync(cancellationToken) : ReadGuardedAsync(cancellationToken);

        public override bool TryRead(out ReadResult result)
        {
            switch (_state)
            {
                case State.InRequest:
                    return inner.TryRead(out result);
                case State.Rejected:
                    result = new ReadResult(ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);
                    return true;
            }

            if (!inner.TryRead(out result))
            {
                return false;
            }

            _lastBuffer = result.Buffer;
            if (_state == State.AwaitingRequestLine && Judge(result) == Verdict.Invalid)
            {
                // Rejecting needs an async write: leave the bytes unread; Kestrel's next ReadAsync rejects them.
                inner.AdvanceTo(result.Buffer.Start);
                result = default;
                return false;
            }

            return true;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            if (_state == State.Rejected && consumed.GetObject() is null)
            {
                return; // a position in the empty sequence handed out after the rejection
            }

            if (_state == State.InBody)
            {
                _bodyRemaining -= _lastBuffer.Slice(_lastBuffer.Start, consumed).Length;
                if (_bodyRemaining <= 0)
                {
                    _state = State.AwaitingRequestLine;
                }
            }

            _lastBuffer = default;
            inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        private ValueTask<ReadResult> ReadGuardedAsync(CancellationToken cancellationToken)
        {
            if (_state == State.Rejected)
            {
                return new(new ReadResult(ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true));
            }

            var pending = inner.ReadAsync(cancellationToken);
            return pending.IsCompletedSuccessfully ? OnRead(pending.Result) : AwaitReadAsync(pending);
        }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<ReadResult> AwaitReadAsync(ValueTask<ReadResult> pending) => await OnRead(await pending);

        private ValueTask<ReadResult> OnRead(ReadResult result)
        {
            _lastBuffer = result.Buffer;
            return _state != State.AwaitingRequestLine || Judge(result) != Verdict.Invalid
                ? new(result)
                : RejectAsync(result);
        }

        private async ValueTask<ReadResult> RejectAsync(ReadResult result)
        {
            // Kestrel is between requests and has flushed its previous response, so the output is ours to write.
            _state = State.Rejected;
            try
            {
                await output.WriteAsync(RejectionResponse, CancellationToken.None);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or ConnectionResetException)
            {
                // The client is gone; nothing to answer.
            }

            // An empty, completed read between requests makes Kestrel close the connection without answering.
            return new ReadResult(result.Buffer.Slice(result.Buffer.Start, 0), isCanceled: false, isCompleted: true);
        }

        /// <summary>Judges the request line; moves on to <see cref="State.InRequest"/> when there is nothing to do.</summary>
        private Verdict Judge(ReadResult result)
        {
            if (result.IsCanceled)
            {
                return Verdict.NeedMore;
            }

            var verdict = InspectRequestLine(result.Buffer, maxRequestLineSize);
            if (verdict is Verdict.Valid or Verdict.TooLong)
            {
                _state = State.InRequest;
            }

            return verdict;
        }
    }
}
