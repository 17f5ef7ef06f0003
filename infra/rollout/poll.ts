/**
 * Polls `DescribeServices` until `judgeRollout` says the registered task definition completed, or fails, or the
 * timeout passes. The client and the clock are injected: a fake in the tests, `ECSClient` and the wall clock in the
 * program (infra/rollout/resource.ts).
 */
import { DescribeServicesCommand, type DescribeServicesCommandOutput } from "@aws-sdk/client-ecs";
import { judgeRollout, type RolloutFailure } from "./verdict";

/** What the poller needs of `ECSClient` (which satisfies it). */
export interface DescribeServicesClient {
  send(command: DescribeServicesCommand): Promise<DescribeServicesCommandOutput>;
}

export interface RolloutClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

interface RolloutWatch {
  /** Cluster name or ARN. */
  cluster: string;
  serviceName: string;
  /** The task definition revision the program registered and the service was updated to. */
  taskDefinitionArn: string;
  timeoutMs: number;
  /** Between two DescribeServices calls; the SDK's own `services-stable` waiter starts at 15 s. */
  intervalMs: number;
}

interface VerifiedRollout {
  deploymentId: string;
  taskDefinitionArn: string;
  runningCount: number;
  desiredCount: number;
}

/** The error `pulumi up` prints when a rollout is not verified; `failure` says which case it was. */
function rolloutNotVerified(
  failure: RolloutFailure,
  watch: Pick<RolloutWatch, "serviceName">,
  reason: string,
): Error & { failure: RolloutFailure } {
  const error = new Error(
    `Rollout of ECS service ${watch.serviceName} not verified (${failure}): ${reason} ` +
      `Its image digest is not promoted: the stack keeps its previous imageDigest/ranDigests outputs.`,
  ) as Error & { failure: RolloutFailure };
  error.name = "RolloutNotVerified";
  error.failure = failure;
  return error;
}

export async function awaitVerifiedRollout(
  client: DescribeServicesClient,
  watch: RolloutWatch,
  clock: RolloutClock,
): Promise<VerifiedRollout> {
  const deadline = clock.now() + watch.timeoutMs;
  for (;;) {
    const response = await client.send(
      new DescribeServicesCommand({ cluster: watch.cluster, services: [watch.serviceName] }),
    );
    const verdict = judgeRollout(response, watch.serviceName, watch.taskDefinitionArn);
    if (verdict.outcome === "completed") {
      const { deploymentId, taskDefinitionArn, runningCount, desiredCount } = verdict;
      return { deploymentId, taskDefinitionArn, runningCount, desiredCount };
    }
    if (verdict.outcome === "failed") throw rolloutNotVerified(verdict.failure, watch, verdict.reason);
    const left = deadline - clock.now();
    if (left <= 0) {
      throw rolloutNotVerified(
        "timedOut",
        watch,
        `no verdict within ${Math.round(watch.timeoutMs / 1000)}s: ${verdict.reason}`,
      );
    }
    await clock.sleep(Math.min(watch.intervalMs, left));
  }
}
