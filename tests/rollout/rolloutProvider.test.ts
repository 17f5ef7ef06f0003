/**
 * The RolloutVerification dynamic provider, called directly as the `pulumi-dynamic-provider` process calls it
 * (@pulumi/pulumi cmd/dynamic-provider/index.js: `create`, `diff`, `update`), with a fake ECS client; and the
 * provider the program registers, serialized and loaded back the way that process loads it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import type { DescribeServicesCommandOutput } from "@aws-sdk/client-ecs";
import {
  ecsRolloutVerificationProvider,
  rolloutVerificationProvider,
  durationSeconds,
  type RolloutVerificationInputs,
} from "../../infra/rollout/resource";
import {
  CLUSTER_ARN,
  load,
  PREVIOUS,
  REGISTERED,
  REGISTERED_DEPLOYMENT,
  type FixtureName,
} from "./describeServicesFixtures";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const inputs: RolloutVerificationInputs = {
  region: "eu-west-1",
  cluster: CLUSTER_ARN,
  serviceName: "web",
  taskDefinitionArn: REGISTERED,
  digest: DIGEST,
  timeoutSeconds: 60,
  pollSeconds: 15,
};

function providerAnswering(fixture: FixtureName) {
  const regions: string[] = [];
  const provider = rolloutVerificationProvider({
    client: (region) => {
      regions.push(region);
      return { send: async () => ({ ...load(fixture), $metadata: {} }) as DescribeServicesCommandOutput };
    },
    clock: { now: () => 0, sleep: async () => {} },
  });
  return { provider, regions };
}

test("create on a completed rollout: the outputs carry the verified digest and the deployment; the client is made for the input region", async () => {
  const { provider, regions } = providerAnswering("completed");
  const result = await provider.create(inputs);
  assert.equal(result.id, `${CLUSTER_ARN}/web`);
  assert.deepEqual(result.outs, { ...inputs, deploymentId: REGISTERED_DEPLOYMENT });
  assert.deepEqual(regions, ["eu-west-1"]);
});

test("create and update on a recorded circuit-breaker rollback reject (the `up` fails; no outputs are written)", async () => {
  const { provider } = providerAnswering("rolledBack");
  await assert.rejects(
    provider.create(inputs),
    (e: any) => e.name === "RolloutNotVerified" && e.failure === "rolledBack" && e.message.includes(PREVIOUS),
  );
  await assert.rejects(
    provider.update!(
      `${CLUSTER_ARN}/web`,
      { ...inputs, taskDefinitionArn: PREVIOUS, deploymentId: "ecs-svc/1" },
      inputs,
    ),
    /rolled back/,
  );
});

test("diff: a new task definition or digest is a new rollout to verify; a changed timeout alone is not", async () => {
  const { provider } = providerAnswering("completed");
  const olds = { ...inputs, deploymentId: REGISTERED_DEPLOYMENT };
  assert.deepEqual(await provider.diff!("id", olds, { ...inputs, taskDefinitionArn: PREVIOUS }), { changes: true });
  assert.deepEqual(await provider.diff!("id", olds, { ...inputs, digest: `sha256:${"cd".repeat(32)}` }), {
    changes: true,
  });
  assert.deepEqual(await provider.diff!("id", olds, { ...inputs, timeoutSeconds: 120 }), { changes: false });
});

test("the program's provider serializes (no live client or other unserializable capture) and loads back as pulumi-dynamic-provider loads it", async () => {
  // dynamic/index.js serializes the provider with serializeFunction(() => provider); cmd/dynamic-provider/index.js
  // loads the text with require-from-string and calls `.handler()`.
  const serialized = await pulumi.runtime.serializeFunction(() => ecsRolloutVerificationProvider);
  assert.match(
    serialized.text,
    /require\("@aws-sdk\/client-ecs[^"]*"\)/,
    "the SDK is re-required by name, not inlined",
  );
  const requireFromString = createRequire(require.resolve("@pulumi/pulumi/package.json"))("require-from-string") as (
    code: string,
    filename?: string,
  ) => any;
  const loaded = requireFromString(serialized.text, `${__dirname}/serialized-provider.js`).handler();
  for (const method of ["create", "diff", "update", "delete"]) assert.equal(typeof loaded[method], "function", method);
  assert.deepEqual(await loaded.diff("id", { ...inputs, deploymentId: "x" }, inputs), { changes: false });
});

test("steadyStateTimeout durations in seconds", () => {
  assert.equal(durationSeconds("15m"), 900);
  assert.equal(durationSeconds("900s"), 900);
  assert.equal(durationSeconds("1h"), 3600);
  assert.throws(() => durationSeconds("15 minutes"), /15m, 900s or 1h/);
});
