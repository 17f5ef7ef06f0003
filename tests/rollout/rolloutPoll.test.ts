/** awaitVerifiedRollout with a fake ECS client and a fake clock: it asks until a verdict or the timeout. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { DescribeServicesCommand, type DescribeServicesCommandOutput } from "@aws-sdk/client-ecs";
import { awaitVerifiedRollout, type DescribeServicesClient, type RolloutClock } from "../../infra/rollout/poll";
import { CLUSTER_ARN, load, REGISTERED, REGISTERED_DEPLOYMENT, type FixtureName } from "./describeServicesFixtures";

function fakeEcs(sequence: FixtureName[]) {
  const sent: DescribeServicesCommand[] = [];
  const client: DescribeServicesClient = {
    async send(command) {
      sent.push(command);
      const name = sequence[Math.min(sent.length - 1, sequence.length - 1)];
      return { ...load(name), $metadata: { httpStatusCode: 200 } } as DescribeServicesCommandOutput;
    },
  };
  return { client, sent };
}

function fakeClock() {
  let t = 0;
  const sleeps: number[] = [];
  const clock: RolloutClock = { now: () => t, sleep: async (ms) => void (sleeps.push(ms), (t += ms)) };
  return { clock, sleeps, elapsed: () => t };
}

const watch = {
  cluster: CLUSTER_ARN,
  serviceName: "web",
  taskDefinitionArn: REGISTERED,
  timeoutMs: 60_000,
  intervalMs: 15_000,
};

test("in progress, then completed: resolves with the completed deployment; each call is DescribeServices of this cluster and service", async () => {
  const ecs = fakeEcs(["inProgress", "inProgress", "completed"]);
  const c = fakeClock();
  const r = await awaitVerifiedRollout(ecs.client, watch, c.clock);
  assert.equal(r.deploymentId, REGISTERED_DEPLOYMENT);
  assert.equal(ecs.sent.length, 3);
  assert.deepEqual(c.sleeps, [15_000, 15_000]);
  for (const command of ecs.sent) {
    assert.ok(command instanceof DescribeServicesCommand);
    assert.deepEqual(command.input, { cluster: CLUSTER_ARN, services: ["web"] });
  }
});

test("still IN_PROGRESS at the timeout: fails as timedOut after asking until the deadline", async () => {
  const ecs = fakeEcs(["inProgress"]);
  const c = fakeClock();
  await assert.rejects(awaitVerifiedRollout(ecs.client, watch, c.clock), (e: any) => {
    assert.equal(e.name, "RolloutNotVerified");
    assert.equal(e.failure, "timedOut");
    assert.match(e.message, /no verdict within 60s: .*IN_PROGRESS/);
    assert.match(e.message, /keeps its previous imageDigest\/ranDigests/);
    return true;
  });
  assert.equal(c.elapsed(), 60_000, "waited exactly the timeout");
  assert.equal(ecs.sent.length, 5, "asked at 0, 15, 30, 45 and 60 s");
});

test("a task definition that never reaches a steady state times out with its failed tasks in the message", async () => {
  const ecs = fakeEcs(["neverSteady"]);
  await assert.rejects(
    awaitVerifiedRollout(ecs.client, { ...watch, timeoutMs: 20_000 }, fakeClock().clock),
    /timedOut\).*failed tasks 4.*failed container health checks/s,
  );
  assert.equal(ecs.sent.length, 3, "asked at 0, 15 and 20 s (the last wait is cut to the deadline)");
});

test("a rollback fails at once, without waiting for the timeout", async () => {
  const ecs = fakeEcs(["rolledBack"]);
  const c = fakeClock();
  await assert.rejects(awaitVerifiedRollout(ecs.client, watch, c.clock), (e: any) => e.failure === "rolledBack");
  assert.equal(ecs.sent.length, 1);
  assert.deepEqual(c.sleeps, []);
});

test("an ECS API error fails the verification (fail closed): it is not retried into a success", async () => {
  const client: DescribeServicesClient = {
    send: async () => {
      throw Object.assign(new Error("User is not authorized to perform: ecs:DescribeServices"), {
        name: "AccessDeniedException",
      });
    },
  };
  await assert.rejects(awaitVerifiedRollout(client, watch, fakeClock().clock), /ecs:DescribeServices/);
});
