// berth:services.<name>.steadyStateTimeout, the ECS service's create/update/delete timeout and the rollout
// verification's: it must cover the deployment the provider waits for.
//
// The provider's rule (terraform-provider-aws `internal/service/ecs/service.go`: `waitServiceStable` ->
// `statusServiceWaitForStable` -> `findDeploymentStatus`): with `waitForSteadyState`, an update that starts an ECS
// service deployment is steady only when that deployment is `SUCCESSFUL`; ECS marks a canary, linear or blue/green
// deployment successful after its bake times (API_DeploymentConfiguration.html `bakeTimeInMinutes`,
// API_CanaryConfiguration.html `canaryBakeTimeInMinutes`, API_LinearConfiguration.html `stepBakeTimeInMinutes`: "the
// amount of time ... to wait between each traffic shifting step"). A timeout shorter than those waits fails every
// deploy while ECS is still baking a healthy revision (issue 18, item 3: prod's 5 + 10 minutes against 15m).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  anyStackOutputs,
  captureProgram,
  problemAt,
  problemsFor,
  service,
  settingsFor,
  SHA,
  stackConfig,
} from "../support";
import { durationSeconds } from "../../infra/config/services";

const web =
  (deployment: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  (s: Record<string, Record<string, unknown>>) =>
    void Object.assign(s.web!, { deployment, ...extra });
const KEY = "berth:services.web.steadyStateTimeout";

test("prod's default canary (5 min at 10 %, then a 10 min bake) gets a timeout longer than ECS's own waits plus the grace period", () => {
  const w = service(settingsFor("prod"), "web");
  const ecsWaits = (w.deployment.canary!.bakeTimeMinutes + w.deployment.bakeTimeMinutes) * 60;
  assert.equal(ecsWaits, 900, "prod's defaults: 5 + 10 minutes");
  const timeout = durationSeconds(w.steadyStateTimeout);
  // More than the waits themselves: tasks must also start, pass the load balancer's checks after the grace period,
  // and the old revision must drain.
  assert.ok(
    timeout > ecsWaits + w.healthCheckGracePeriodSeconds! + w.healthCheck.startPeriodSeconds,
    `${w.steadyStateTimeout} covers ${ecsWaits} s of bakes`,
  );
});

test("the timeout grows with the strategy's waits: a longer bake, a linear rollout", () => {
  const base = durationSeconds(service(settingsFor("prod"), "web").steadyStateTimeout);
  const longer = service(
    settingsFor("prod", web({ strategy: "canary", canaryBakeTimeMinutes: 30, bakeTimeMinutes: 60 })),
    "web",
  );
  assert.ok(durationSeconds(longer.steadyStateTimeout) - base >= (30 - 5 + 60 - 10) * 60);
  // Linear 10 %: ten steps, nine step bakes of 3 min between them, then a 10 min bake: 37 minutes of waits.
  const linear = service(
    settingsFor(
      "prod",
      web({ strategy: "linear", linearStepPercent: 10, linearStepBakeTimeMinutes: 3, bakeTimeMinutes: 10 }),
    ),
    "web",
  );
  assert.ok(durationSeconds(linear.steadyStateTimeout) > 37 * 60, linear.steadyStateTimeout);
});

test("an explicit timeout that cannot cover the deployment is refused, naming the key, the value and the minimum", () => {
  const p = problemAt(problemsFor("prod", web({}, { steadyStateTimeout: "15m" })), KEY);
  assert.equal(p.value, "15m");
  const derived = service(settingsFor("prod"), "web").steadyStateTimeout;
  assert.match(p.allowed, new RegExp(`at least ${derived} `));
  assert.match(p.allowed, /900 s \(bake times\)/);
  // A longer one is kept as given; so is a rolling service's 20m (no bakes).
  assert.equal(service(settingsFor("prod", web({}, { steadyStateTimeout: "1h" })), "web").steadyStateTimeout, "1h");
  assert.equal(
    service(settingsFor("prod", web({ strategy: "rolling" }, { steadyStateTimeout: "20m" })), "web").steadyStateTimeout,
    "20m",
  );
});

test("the ECS service's custom timeouts and the rollout verification use it (infra/ecs/fargateService.ts)", async () => {
  const c = await captureProgram({
    stack: "prod",
    config: stackConfig("prod"),
    stackOutputs: anyStackOutputs({ sourceSha: SHA, imageDigest: `sha256:${"cd".repeat(32)}`, ranDigests: [] }),
  });
  if (c.error) throw c.error;
  const derived = service(settingsFor("prod"), "web").steadyStateTimeout;
  const svc = c.resources.find((r) => r.type === "aws:ecs/service:Service" && r.name === "web")!;
  assert.deepEqual(svc.options?.customTimeouts, { create: derived, update: derived, delete: derived });
  const rollout = c.resources.find((r) => r.name === "web-rollout")!;
  assert.equal(rollout.inputs.timeoutSeconds, durationSeconds(derived));
});
