// berth:services.<name>.hardening.faultInjectionDisabled, the hardening setting added through the declaration table:
// its default, the task definition's enableFaultInjection (aws ecs.TaskDefinition input,
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_definition_faultInjection),
// the rule berth-ecs-fault-injection-off, the stack's warning and the offline plan's hardening map.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { HARDENING_SETTINGS, loadSettings } from "../../infra/config";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { evaluateRules } from "../../offline/evaluate";
import { switchedOffHardening } from "../../offline/offlinePlan";
import { fixtureStackConfig } from "../support/fixtures";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const KEY = "berth:services.worker.hardening.faultInjectionDisabled";

function stagingConfig(optOut: boolean): Record<string, string> {
  const config: Record<string, string> = { ...fixtureStackConfig("staging"), "berth:imageSha": SHA };
  const services = JSON.parse(config["berth:services"]!);
  if (optOut) services.worker.hardening = { faultInjectionDisabled: false };
  return { ...config, "berth:services": JSON.stringify(services) };
}

let captured: CapturedStack;
before(async () => {
  captured = await captureStack({ stack: "staging", config: stagingConfig(true) });
  if (captured.error) throw captured.error;
});

const taskDefinitionOf = (service: string) => {
  const td = captured.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.name === service);
  assert.ok(td, `${service}: its task definition`);
  return td;
};

test("default on: every service reads faultInjectionDisabled true; an explicit false is the opt-out", () => {
  const git = () => ({ head: SHA, tagsAtHead: [], dirty: false });
  for (const s of loadSettings(stagingConfig(false), { stack: "staging", git }).services)
    assert.equal(s.hardening.faultInjectionDisabled, true, s.name);
  const optedOut = loadSettings(stagingConfig(true), { stack: "staging", git }).services;
  assert.deepEqual(
    optedOut.map((s) => [s.name, s.hardening.faultInjectionDisabled]),
    [
      ["web", true],
      ["worker", false],
    ],
  );
});

test("the task definition sets enableFaultInjection false explicitly, true only for the opted-out service", () => {
  assert.equal(taskDefinitionOf("web").inputs.enableFaultInjection, false);
  assert.equal(taskDefinitionOf("worker").inputs.enableFaultInjection, true);
});

test("berth-ecs-fault-injection-off flags the opted-out task definition only; the stack warns, naming the key", async () => {
  const subjects = ["web", "worker"].map((name) => {
    const td = taskDefinitionOf(name);
    return { type: td.type, name: td.name, urn: td.urn ?? td.name, props: td.inputs };
  });
  const result = await evaluateRules(subjects);
  const flagged = result.violations.filter((v) => v.rule === "berth-ecs-fault-injection-off");
  assert.equal(flagged.length, 1);
  assert.match(JSON.stringify(flagged[0]), /worker/);
  const warnings = captured.outputs.warnings as string[];
  assert.ok(
    warnings.some((w) => w.startsWith(`${KEY} is false: ECS fault injection is enabled`)),
    JSON.stringify(warnings),
  );
});

test("the offline plan lists the opt-out with its rule (from the declaration, no table edit)", () => {
  const setting = HARDENING_SETTINGS.find((s) => s.key === "berth:services.<service>.hardening.faultInjectionDisabled");
  assert.ok(setting);
  assert.equal(setting.rule, "berth-ecs-fault-injection-off");
  assert.equal(setting.localRule, null);
  assert.deepEqual(switchedOffHardening(stagingConfig(true)), [
    { key: KEY, value: false, rule: "berth-ecs-fault-injection-off" },
  ]);
});
