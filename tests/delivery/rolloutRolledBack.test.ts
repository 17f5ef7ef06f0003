/**
 * Done when (issue 12): a stack whose deployment was rolled back exports no new promotable digest. Staging builds a
 * new image; ECS's circuit breaker rolls the web service back (the recorded DescribeServices shape of
 * tests/rollout/describeServices/rolledBack.json; the provider's own wait fails such an update too, terraform-provider-aws
 * service.go findDeploymentStatus, but a re-run with no service diff waits for nothing). The web service's
 * RolloutVerification fails, so
 * sourceSha, imageDigest and ranDigests never resolve: the `up` fails, and the engine keeps the stack's previous
 * outputs (pulumi/pulumi#15754: on a failed update only outputs that were updated change), which is what prod reads.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { collectingRejections, STAGING_DIGEST } from "../support";
import { captureWithRollouts } from "./rolloutCapture";

interface Result {
  error?: string;
  outcomes: Record<string, { value?: unknown; rejected?: string }>;
  verifications: Record<string, { outs?: Record<string, unknown>; error?: string }>;
  rollouts: { name: string; inputs: Record<string, unknown> }[];
}

let r: Result;

before(async () => {
  // The rejected outputs are collected (tests/support `collectingRejections`), not reported as unhandled by the runner.
  const { result } = await collectingRejections(() => captureWithRollouts({ web: "rolledBack", worker: "completed" }));
  r = {
    error: result.stack.error === undefined ? undefined : String(result.stack.error),
    outcomes: result.outcomes,
    verifications: result.verifications,
    rollouts: result.stack.resources
      .filter((x) => x.type.includes("RolloutVerification"))
      .map((x) => ({ name: x.name, inputs: { ...x.inputs, __provider: undefined } })),
  };
  assert.equal(r.error, undefined, r.error);
});

test("the web service's verification fails on the recorded rollback, naming the task definition ECS runs instead", () => {
  const web = r.verifications["web-rollout"];
  assert.ok(web?.error, JSON.stringify(r.verifications));
  assert.match(web.error!, /Rollout of ECS service web not verified \(rolledBack\)/);
  assert.match(
    web.error!,
    /berth-staging-web:7 .*not arn:aws:ecs:eu-west-1:111111111111:task-definition\/berth-staging-web:8/,
  );
  assert.ok(r.verifications["worker-rollout"]?.outs, "the worker's rollout completed");
});

test("no new promotable output: sourceSha, imageDigest and ranDigests are rejected with the verification's error", () => {
  for (const key of ["sourceSha", "imageDigest", "ranDigests"]) {
    const outcome = r.outcomes[key];
    assert.equal(outcome.value, undefined, `${key} resolved to ${JSON.stringify(outcome.value)}`);
    assert.match(String(outcome.rejected), /web-rollout .*not verified \(rolledBack\)/, key);
  }
});

test("the new digest reached the task definitions (the rollout was attempted) but no promotable output names it", () => {
  const image = r.rollouts.find((x) => x.name === "web-rollout")!.inputs.digest as string;
  assert.match(image, /^sha256:[0-9a-f]{64}$/);
  assert.notEqual(image, STAGING_DIGEST, "this up built a new image");
  const exported = Object.entries(r.outcomes)
    .filter(([, o]) => JSON.stringify(o.value ?? null).includes(image))
    .map(([k]) => k);
  for (const key of exported) assert.ok(!["sourceSha", "imageDigest", "ranDigests"].includes(key), key);
});

test("outputs that promote nothing still resolve (the failure is the verification's, not the whole program's)", () => {
  assert.equal(r.outcomes.clusterName.value, "berth-staging");
  assert.equal(r.outcomes.environment.value, "staging");
});
