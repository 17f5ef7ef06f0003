/**
 * judgeRollout over recorded DescribeServices shapes (tests/rollout/describeServices/*.json). The rule it enforces is
 * ECS's own (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html): the PRIMARY deployment
 * is "the most recent deployment of a service"; `rolloutState` goes IN_PROGRESS -> COMPLETED "when the service
 * reaches a steady state", or FAILED when the circuit breaker trips; with rollback on, "the service is rolled back to
 * the last deployment that completed successfully" (API_DeploymentCircuitBreaker.html).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { judgeRollout, taskDefinitionRevision } from "../../infra/rollout/verdict";
import { load, NEWER, PREVIOUS, REGISTERED, REGISTERED_DEPLOYMENT } from "./describeServicesFixtures";

const judge = (name: Parameters<typeof load>[0], expected = REGISTERED) => judgeRollout(load(name), "web", expected);

test("success: the PRIMARY deployment runs the registered task definition and its rolloutState is COMPLETED", () => {
  assert.deepEqual(judge("completed"), {
    outcome: "completed",
    deploymentId: REGISTERED_DEPLOYMENT,
    taskDefinitionArn: REGISTERED,
    runningCount: 2,
    desiredCount: 2,
  });
});

test("circuit-breaker rollback, as DescribeServices shows it afterwards: fails as rolledBack (the counts alone look steady)", () => {
  const response = load("rolledBack");
  // A count-only judgement (the SDK's services-stable waiter, @aws-sdk/client-ecs waitUntilServicesStable, and the
  // provider's fallback in terraform-provider-aws service.go statusServiceWaitForStable when it sees no new deployment:
  // one deployment and runningCount == desiredCount) accepts this rollback, whatever task definition runs.
  const s = response.services![0];
  assert.equal(s.deployments!.length, 1);
  assert.equal(s.runningCount, s.desiredCount);
  const v = judgeRollout(response, "web", REGISTERED);
  assert.equal(v.outcome, "failed");
  assert.equal(v.outcome === "failed" && v.failure, "rolledBack");
  const reason = v.outcome === "failed" ? v.reason : "";
  assert.ok(reason.includes(PREVIOUS) && reason.includes(REGISTERED), reason);
  assert.match(reason, /deployment failed: tasks failed to start/, "quotes the circuit breaker's service event");
});

test("rollback in progress: the failed deployment (ACTIVE, FAILED, circuit breaker reason) is named with its counts", () => {
  const v = judge("rollingBack");
  assert.equal(v.outcome === "failed" && v.failure, "rolledBack");
  const reason = v.outcome === "failed" ? v.reason : "";
  assert.ok(
    reason.includes(
      `deployment ${REGISTERED_DEPLOYMENT} ACTIVE FAILED ("ECS deployment circuit breaker: tasks failed to start.")`,
    ),
    reason,
  );
  assert.match(reason, /failed tasks 10/);
});

test("still IN_PROGRESS: pending (the poller asks again until its timeout)", () => {
  const v = judge("inProgress");
  assert.equal(v.outcome, "pending");
  assert.match(v.outcome === "pending" ? v.reason : "", /IN_PROGRESS.*running 1 of 2, pending 1/);
});

test("superseded by another deploy: the PRIMARY deployment runs a newer revision, ours is only ACTIVE", () => {
  const v = judge("superseded");
  assert.equal(v.outcome === "failed" && v.failure, "superseded");
  assert.ok((v.outcome === "failed" ? v.reason : "").includes(NEWER));
});

test("a newer deploy that already COMPLETED also supersedes: judged against the previous revision, completed.json is not a success", () => {
  const v = judge("completed", PREVIOUS);
  assert.equal(v.outcome === "failed" && v.failure, "superseded");
});

test("a task definition that never reaches a steady state: pending with its failed tasks and the health check events (the poller turns it into timedOut)", () => {
  const v = judge("neverSteady");
  assert.equal(v.outcome, "pending");
  const reason = v.outcome === "pending" ? v.reason : "";
  assert.match(reason, /running 0 of 2, pending 1, failed tasks 4/);
  assert.match(reason, /failed container health checks/);
});

test("circuit breaker without rollback (hardening.circuitBreakerRollback: false): the PRIMARY deployment FAILED fails", () => {
  const v = judge("failedNoRollback");
  assert.equal(v.outcome === "failed" && v.failure, "failed");
  assert.match(v.outcome === "failed" ? v.reason : "", /FAILED/);
});

test("a service DescribeServices reports as MISSING (wrong account, region or cluster) fails, never passes", () => {
  const v = judge("missing");
  assert.equal(v.outcome === "failed" && v.failure, "missing");
  assert.match(v.outcome === "failed" ? v.reason : "", /MISSING/);
});

test("a draining service fails", () => {
  const response = load("completed");
  response.services![0].status = "DRAINING";
  const v = judgeRollout(response, "web", REGISTERED);
  assert.equal(v.outcome === "failed" && v.failure, "missing");
});

test("task definition ARNs: family and revision", () => {
  assert.deepEqual(taskDefinitionRevision(REGISTERED), { family: "berth-staging-web", revision: 8 });
  assert.equal(taskDefinitionRevision("berth-staging-web:8"), undefined);
});
