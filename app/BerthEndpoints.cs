using Microsoft.Extensions.Options;

namespace Berth.App;

public static class BerthEndpoints
{
    public const int MaxDelayMs = 10_000;

    public static IEndpointRouteBuilder MapBerthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Liveness: touches no dependency.
        endpoints.MapGet("/health", () => TypedResults.Ok(new HealthResponse("ok")));

        // Readiness: 503 from the moment shutdown starts (SIGTERM / StopApplication).
        endpoints.MapGet("/ready", (ReadinessState readiness) => readiness.IsReady
            ? Results.Json(new ReadinessResponse("ready"), AppJsonContext.Default.ReadinessResponse)
            : Results.Json(new ReadinessResponse(readiness.IsStopping ? "stopping" : "starting"),
                AppJsonContext.Default.ReadinessResponse, statusCode: StatusCodes.Status503ServiceUnavailable));

        endpoints.MapGet("/version", () => TypedResults.Ok(BuildInfo.Current));

        endpoints.MapGet("/", (IOptions<BerthOptions> options, IServiceProvider services) =>
        {
            var berth = options.Value;
            var status = services.GetService<WorkerStatus>();
            var worker = RunMode.IsWorker(berth.Mode) && status is not null
                ? new WorkerInfo(
                    IntervalSeconds: Math.Max(1, berth.Worker.IntervalSeconds),
                    RunCount: status.RunCount,
                    FailureCount: status.FailureCount,
                    LastRunAt: status.LastRunAt)
                : null;
            return TypedResults.Ok(new ServiceInfoResponse(
                berth.ServiceName, berth.Environment, worker is null ? RunMode.Web : RunMode.Worker, worker));
        });

        // Diagnostics: a deliberately slow response (bounded), used to prove graceful shutdown drains in-flight requests.
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
                // Client went away; nobody reads the answer.
                return Results.Empty;
            }

            return Results.Json(new DelayResponse(delay), AppJsonContext.Default.DelayResponse);
        });

        return endpoints;
    }
}
