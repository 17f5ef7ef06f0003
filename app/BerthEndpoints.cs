using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Berth.App;

public static class BerthEndpoints
{
    public const int MaxDelayMs = 10_000;

    private static readonly string[] ProbeMethods = [HttpMethods.Get, HttpMethods.Head];

    public static IEndpointRouteBuilder MapBerthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Liveness: runs no check, touches no dependency. GET and HEAD (HEAD: the same answer without a body).
        endpoints.MapHealthChecks("/health", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = (context, _) => context.Response.WriteAsJsonAsync(
                new HealthResponse("ok"), AppJsonContext.Default.HealthResponse),
        }).WithMetadata(new HttpMethodMetadata(ProbeMethods));

        // Readiness: the checks tagged "ready"; 503 from the moment shutdown starts (SIGTERM / StopApplication).
        endpoints.MapHealthChecks("/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadinessHealthCheck.Tag),
            ResponseWriter = (context, report) => context.Response.WriteAsJsonAsync(
                new ReadinessResponse(report.Entries.Values.FirstOrDefault().Description ?? report.Status.ToString()),
                AppJsonContext.Default.ReadinessResponse),
        }).WithMetadata(new HttpMethodMetadata(ProbeMethods));

        endpoints.MapGet("/version", () => TypedResults.Ok(BuildInfo.Current));

        endpoints.MapGet("/", (IOptions<BerthOptions> options, IServiceProvider services) =>
        {
            var berth = options.Value;
            var status = services.GetService<WorkerStatus>();
            var worker = RunMode.IsWorker(berth.Mode) && status is not null
                ? new WorkerInfo(
                    IntervalSeconds: berth.Worker.IntervalSeconds,
                    RunCount: status.RunCount,
                    FailureCount: status.FailureCount,
                    LastRunAt: status.LastRunAt)
                : null;
            return TypedResults.Ok(new ServiceInfoResponse(
                berth.ServiceName, berth.Environment, worker is null ? RunMode.Web : RunMode.Worker, worker));
        });

        if (endpoints.ServiceProvider.GetRequiredService<IOptions<BerthOptions>>().Value.DiagnosticsEnabled)
        {
            // Diagnostics (Berth:DiagnosticsEnabled): a deliberately slow response (bounded), used to prove graceful
            // shutdown drains in-flight requests.
            endpoints.MapGet("/delay", async (int? ms, HttpContext context) =>
            {
                if (ms is not { } delay || delay < 0 || delay > MaxDelayMs)
                {
                    return Results.Json(new ErrorResponse($"query parameter ms must be an integer from 0 to {MaxDelayMs}"),
                        AppJsonContext.Default.ErrorResponse, statusCode: StatusCodes.Status400BadRequest);
                }

                try
                {
                    await Task.Delay(delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // Client went away (or the shutdown timeout aborted the request); nobody reads the answer.
                    return Results.Empty;
                }

                return Results.Json(new DelayResponse(delay), AppJsonContext.Default.DelayResponse);
            });
        }

        return endpoints;
    }
}
