/**
 * Did ECS deploy *this* task definition? A pure judgement over one `DescribeServices` response.
 *
 * What the provider already does: with `waitForSteadyState`, terraform-provider-aws (`internal/service/ecs/service.go`,
 * `waitServiceStable` → `statusServiceWaitForStable` → `findDeploymentStatus`) follows the ECS service deployment an
 * update started (`ListServiceDeployments` / `DescribeServiceDeployments`): `SUCCESSFUL` is steady, and `STOPPED`,
 * `ROLLBACK_SUCCESSFUL` and `ROLLBACK_FAILED` fail the update. So a rollback no longer passes as success there.
 *
 * What this judgement still adds: (1) the stack's promotable outputs derive from it (infra/rollout/verifiedRelease.ts),
 * i.e. from a check that the PRIMARY deployment runs exactly the task definition (and so the digest) this `up`
 * registered, not from the service resource's success; (2) after a failed `up` the service's state already names the
 * new task definition, so an unchanged re-run has no diff on the service and the provider waits for nothing, while a
 * verification that failed is not in the state and runs again; (3) an update the provider does not see as a new
 * deployment (no new primary task set after the operation started) is judged by the provider on counts only
 * (`len(deployments) == 1 && desiredCount == runningCount`), whatever task definition runs.
 *
 * The rule here (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html): the service's
 * `PRIMARY` deployment ("the most recent deployment of a service") must run the task definition that was registered,
 * and its `rolloutState` must be `COMPLETED` ("when the service reaches a steady state"); `FAILED` ("if the service
 * fails to reach a steady state and circuit breaker is turned on") fails, and a circuit-breaker rollback shows as a
 * `PRIMARY` deployment running the previous task definition
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html: "the service is
 * rolled back to the last deployment that completed successfully").
 */
import type { Deployment, DescribeServicesResponse, Service } from "@aws-sdk/client-ecs";

export type RolloutFailure = "missing" | "rolledBack" | "superseded" | "failed" | "timedOut";

type RolloutVerdict =
  | {
      outcome: "completed";
      deploymentId: string;
      taskDefinitionArn: string;
      runningCount: number;
      desiredCount: number;
    }
  | { outcome: "pending"; reason: string }
  | { outcome: "failed"; failure: RolloutFailure; reason: string };

/** `arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>` -> family and revision. */
export function taskDefinitionRevision(arn: string | undefined): { family: string; revision: number } | undefined {
  const m = /:task-definition\/([A-Za-z0-9_-]+):(\d+)$/.exec(arn ?? "");
  return m ? { family: m[1], revision: Number(m[2]) } : undefined;
}

/** What a failure looks like in the service's events (ECS's own wording). */
const FAILURE_EVENT =
  /deployment failed|circuit breaker|rolling back|failed container health checks|unable to|failed to/i;

/**
 * For the error message: the three newest service events (DescribeServices lists them newest first) and, from the
 * 20 newest, up to two more that report a failure (the circuit breaker's "deployment failed", "rolling back").
 */
function latestEvents(service: Service): string {
  const recent = (service.events ?? [])
    .slice(0, 20)
    .map((e) => e.message ?? "")
    .filter(Boolean);
  const picked = [
    ...recent.slice(0, 3),
    ...recent
      .slice(3)
      .filter((m) => FAILURE_EVENT.test(m))
      .slice(0, 2),
  ];
  return picked.length ? ` Latest service events: ${picked.map((m) => JSON.stringify(m)).join("; ")}.` : "";
}

function counts(d: Deployment): string {
  return `running ${d.runningCount ?? 0} of ${d.desiredCount ?? 0}, pending ${d.pendingCount ?? 0}, failed tasks ${d.failedTasks ?? 0}`;
}

function describeDeployment(d: Deployment): string {
  const reason = d.rolloutStateReason ? ` (${JSON.stringify(d.rolloutStateReason)})` : "";
  return `deployment ${d.id ?? "?"} ${d.status ?? "?"} ${d.rolloutState ?? "no rolloutState"}${reason}, ${counts(d)}`;
}

/**
 * Pure: the verdict on `expectedTaskDefinitionArn` for the service `serviceName`, from one DescribeServices response.
 * `pending` means "ask again" (the caller's poller decides when that becomes a timeout).
 */
export function judgeRollout(
  response: DescribeServicesResponse,
  serviceName: string,
  expectedTaskDefinitionArn: string,
): RolloutVerdict {
  const failure = (response.failures ?? [])[0];
  if (failure) {
    return {
      outcome: "failed",
      failure: "missing",
      reason: `DescribeServices could not describe ${serviceName}: ${failure.reason ?? "?"}${failure.detail ? ` (${failure.detail})` : ""} for ${failure.arn ?? "?"}.`,
    };
  }
  const service = (response.services ?? []).find(
    (s) => s.serviceName === serviceName || s.serviceArn?.endsWith(`/${serviceName}`),
  );
  if (!service)
    return {
      outcome: "failed",
      failure: "missing",
      reason: `DescribeServices returned no service named ${serviceName}.`,
    };
  if (service.status !== "ACTIVE") {
    return {
      outcome: "failed",
      failure: "missing",
      reason: `service ${serviceName} is ${service.status ?? "?"}, not ACTIVE.${latestEvents(service)}`,
    };
  }
  const deployments = service.deployments ?? [];
  const primary = deployments.find((d) => d.status === "PRIMARY");
  if (!primary) return { outcome: "pending", reason: `service ${serviceName} has no PRIMARY deployment yet.` };

  if (primary.taskDefinition !== expectedTaskDefinitionArn) {
    const ours = deployments.filter((d) => d.taskDefinition === expectedTaskDefinitionArn);
    const failedOurs = ours.find((d) => d.rolloutState === "FAILED");
    const now = taskDefinitionRevision(primary.taskDefinition);
    const wanted = taskDefinitionRevision(expectedTaskDefinitionArn);
    const older = Boolean(now && wanted && now.family === wanted.family && now.revision < wanted.revision);
    const runs = `the service's PRIMARY deployment runs ${primary.taskDefinition ?? "?"} (${describeDeployment(primary)}), not ${expectedTaskDefinitionArn}`;
    if (failedOurs || older) {
      const why = failedOurs
        ? ` The deployment of ${expectedTaskDefinitionArn} failed: ${describeDeployment(failedOurs)}.`
        : "";
      return {
        outcome: "failed",
        failure: "rolledBack",
        reason: `rolled back: ${runs}.${why}${latestEvents(service)}`,
      };
    }
    return {
      outcome: "failed",
      failure: "superseded",
      reason: `superseded by another deploy: ${runs}.${latestEvents(service)}`,
    };
  }

  switch (primary.rolloutState) {
    case "COMPLETED":
      return {
        outcome: "completed",
        deploymentId: primary.id ?? "",
        taskDefinitionArn: expectedTaskDefinitionArn,
        runningCount: primary.runningCount ?? 0,
        desiredCount: primary.desiredCount ?? 0,
      };
    case "FAILED":
      return {
        outcome: "failed",
        failure: "failed",
        reason: `the deployment of ${expectedTaskDefinitionArn} FAILED: ${describeDeployment(primary)}.${latestEvents(service)}`,
      };
    default:
      // IN_PROGRESS, or no rolloutState at all (only returned for the ECS rolling-update controller, which Berth uses).
      return {
        outcome: "pending",
        reason: `the deployment of ${expectedTaskDefinitionArn} has not completed: ${describeDeployment(primary)}.${latestEvents(service)}`,
      };
  }
}
