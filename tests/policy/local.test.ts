import { test } from "node:test";
import assert from "node:assert/strict";
import { DOCKER_CONTAINER } from "../../policy/dockerRules";
import { describeViolations, findingsOutsideDeclaredTypes, stackUnderPolicy } from "./stackPolicy";
import { evaluateRules } from "../../offline/evaluate";
import { policySubjects } from "../../offline/offlinePlan";

/** Captured once: mock state is global to the process. */
const local = stackUnderPolicy("local");

test("the local stack, captured under mocks from Pulumi.local.yaml, is checked by the docker rules: the service containers pass", async () => {
  const { captured, evaluation } = await local;
  const containers = captured.resources
    .filter((r) => r.type === DOCKER_CONTAINER)
    .map((r) => r.name)
    .sort();
  assert.deepEqual(containers, ["registry", "web", "worker"], "the pack would check nothing in the local stack");
  assert.deepEqual(evaluation.errors, [], "a rule could not run on a local resource");
  for (const rule of Object.keys(evaluation.levels).filter((r) => r.startsWith("berth-docker-")))
    assert.equal(evaluation.levels[rule], "mandatory", rule);
  const services = evaluation.violations.filter((v) => v.resource?.name !== "registry");
  assert.deepEqual(services, [], `violations on the service containers:\n${describeViolations(evaluation)}`);
});

test("the local registry:2 container (no USER in the image) passes only through the explicit exemption in policy/config/local.json", async () => {
  // registry:2 runs as root (with ALL capabilities dropped, read-only root, loopback port); its data volume is root-owned.
  // The stack's pack config names it in `exemptContainers`; every other container, including a service that switches
  // `nonRootUser` off, is still flagged (tests/plan/localOptOuts.test.ts).
  const { captured, evaluation } = await local;
  assert.deepEqual(evaluation.violations, [], describeViolations(evaluation));
  const withoutExemption = await evaluateRules(policySubjects(captured.resources, false), {
    config: {},
    stackResources: policySubjects(captured.resources, true),
  });
  const registry = withoutExemption.violations.map((v) => `${v.enforcementLevel} ${v.rule} ${v.resource?.name}`);
  assert.deepEqual(registry, ["mandatory berth-docker-non-root-user registry"], describeViolations(withoutExemption));
});

test("local: every rule at mandatory, run by CrossGuard on every resource, reports and throws only on the types it declares", async () => {
  // node_modules/@pulumi/policy/server.js Analyze calls each resource policy for each resource of the stack.
  const { captured } = await local;
  assert.deepEqual(await findingsOutsideDeclaredTypes("local", captured), []);
});
