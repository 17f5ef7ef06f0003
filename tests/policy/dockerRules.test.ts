/** The Docker container rules (policy/dockerRules.ts): each passes the hardened container and fails a weakened one. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { DOCKER_CONTAINER, dockerRules } from "../../policy/dockerRules";
import type { BerthRule } from "../../policy/rules";
import { violationsOf } from "./ruleHarness";
import { container, FAILING, PASSING } from "./dockerCases";

const byName = (name: string): BerthRule => {
  const rule = dockerRules.find((r) => r.name === name);
  assert.ok(rule, `no rule ${name}`);
  return rule;
};

test("every docker rule passes the container as localContainer.ts renders it", async () => {
  for (const rule of dockerRules)
    assert.deepEqual(await violationsOf(rule, DOCKER_CONTAINER, container()), [], rule.name);
});

test("every docker rule has a failing case, and each failing case is reported by its rule", async () => {
  const covered = new Set(FAILING.map(([name]) => name));
  for (const rule of dockerRules) assert.ok(covered.has(rule.name), `${rule.name} has no failing case`);
  for (const [name, overrides, message] of FAILING) {
    const messages = await violationsOf(byName(name), DOCKER_CONTAINER, container(overrides));
    assert.ok(
      messages.some((m) => message.test(m)),
      `${name} ${JSON.stringify(overrides)}: ${JSON.stringify(messages)}`,
    );
  }
});

test("accepted variants pass", async () => {
  for (const [name, overrides] of PASSING)
    assert.deepEqual(
      await violationsOf(byName(name), DOCKER_CONTAINER, container(overrides)),
      [],
      `${name} ${JSON.stringify(overrides)}`,
    );
});

test("docker rules look only at docker containers, carry a CIS Docker control or a stated practice, and are mandatory", async () => {
  for (const rule of dockerRules) {
    assert.deepEqual(rule.resourceTypes, [DOCKER_CONTAINER], rule.name);
    assert.ok(rule.controls.cis?.every((c) => /^CIS Docker \d+\.\d+$/.test(c)) || rule.controls.other, rule.name);
    assert.equal(rule.enforcementLevel, "mandatory", rule.name);
    // A task definition is not a docker container: CrossGuard still calls the rule on it (server.js, Analyze), and the
    // rule must stay silent. The rule's own failing inputs are sent under a task definition's type.
    const failing = FAILING.find(([n]) => n === rule.name)![1];
    assert.deepEqual(
      await violationsOf(rule, "aws:ecs/taskDefinition:TaskDefinition", container(failing)),
      [],
      rule.name,
    );
  }
  const cis = dockerRules.flatMap((r) => r.controls.cis ?? []).sort();
  assert.deepEqual(cis, [
    "CIS Docker 4.1",
    "CIS Docker 4.6",
    "CIS Docker 5.10",
    "CIS Docker 5.12",
    "CIS Docker 5.13",
    "CIS Docker 5.15",
    "CIS Docker 5.25",
    "CIS Docker 5.3",
    "CIS Docker 5.4",
    "CIS Docker 5.9",
  ]);
});
