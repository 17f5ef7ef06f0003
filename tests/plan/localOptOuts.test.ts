/**
 * The local stack (Docker containers) is checked by the docker rules: switching off a hardening setting in its config
 * makes the offline plan exit non-zero and name the docker rule, and the plan lists the setting with that rule.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { IMAGE_SHA, mandatoryRules, runPlans, type PlanRun } from "./planRunner";

/** [setting switched off, the rule that must then fail on that service's container]. */
const SWITCHED_OFF: [string, string, string][] = [
  ["web", "berth:services.web.hardening.readonlyRootFilesystem=false", "berth-docker-readonly-root"],
  ["web", "berth:services.web.hardening.dropAllCapabilities=false", "berth-docker-capabilities-dropped"],
  ["worker", "berth:services.worker.hardening.noNewPrivileges=false", "berth-docker-no-new-privileges"],
  ["worker", "berth:services.worker.hardening.nonRootUser=false", "berth-docker-non-root-user"],
];

const common = ["local", "--image-sha", IMAGE_SHA, "--json"];

/** Mandatory violations on one resource (by logical name). */
const rulesOn = (run: PlanRun, name: string): string[] =>
  (run.json?.evaluation?.violations ?? [])
    .filter((v: any) => v.enforcementLevel === "mandatory" && v.resource?.name === name)
    .map((v: any) => v.rule);

test("each switched-off hardening setting in the local stack fails the plan with exit 1, naming the docker rule", async () => {
  const [baseline, ...runs] = await runPlans([
    common,
    ...SWITCHED_OFF.map(([, kv]) => [...common, "--config-override", kv]),
  ]);
  assert.ok(baseline.json, `baseline printed no JSON: ${baseline.stderr.slice(0, 2000)}`);
  assert.equal(baseline.json.checkedResources, 3, "the pack checks the three local containers");
  assert.deepEqual(baseline.json.switchedOff, []);
  SWITCHED_OFF.forEach(([service, kv, rule], i) => {
    const run = runs[i];
    assert.ok(run.json, `${kv}: no JSON output (exit ${run.code}): ${run.stderr.slice(0, 2000)}`);
    assert.equal(run.json.error, undefined, `${kv}: the program failed: ${run.json.error}`);
    assert.equal(run.code, 1, `${kv}: expected exit 1`);
    assert.ok(
      rulesOn(run, service).includes(rule),
      `${kv}: ${rule} not among mandatory violations on ${service}: ${JSON.stringify(mandatoryRules(run))}`,
    );
    assert.ok(!rulesOn(baseline, service).includes(rule), `${rule} fails on ${service} even without ${kv}`);
    const key = kv.split("=")[0];
    assert.ok(
      run.json.switchedOff.some((s: any) => s.key === key && s.rule === rule),
      `${kv} not listed as switched off with ${rule}: ${JSON.stringify(run.json.switchedOff)}`,
    );
  });
});

test("the text plan of the local stack shows container hardening and names the docker rule of two switched-off settings", async () => {
  const [run] = await runPlans([
    [
      "local",
      "--image-sha",
      IMAGE_SHA,
      "-c",
      "berth:services.web.hardening.readonlyRootFilesystem=false",
      "-c",
      "berth:services.web.hardening.dropAllCapabilities=false",
    ],
  ]);
  assert.equal(run.code, 1, run.stdout.slice(-3000));
  assert.match(
    run.stdout,
    />>> berth:services\.web\.hardening\.readonlyRootFilesystem = false {2}-> {2}rule berth-docker-readonly-root \(mandatory\): the plan fails/,
  );
  assert.match(
    run.stdout,
    />>> berth:services\.web\.hardening\.dropAllCapabilities = false {2}-> {2}rule berth-docker-capabilities-dropped \(mandatory\): the plan fails/,
  );
  assert.match(
    run.stdout,
    /MANDATORY berth-docker-readonly-root {2}web \(docker:index\/container:Container\) {2}\[CIS Docker 5\.12\]/,
  );
  assert.match(
    run.stdout,
    /MANDATORY berth-docker-capabilities-dropped {2}web \(docker:index\/container:Container\) {2}\[CIS Docker 5\.3\]/,
  );
  assert.match(
    run.stdout,
    /web {2}\(docker:index\/container:Container\) .*readonlyRoot=OFF caps=\(default\).*✗ VIOLATION/,
  );
  assert.match(
    run.stdout,
    /worker {2}\(docker:index\/container:Container\) .*user=10001:10001 readonlyRoot=on caps=ALL noNewPrivileges=on memory=512 health=on logs=json-file\/10m ports=none/,
  );
  assert.match(run.stdout, /rules over the 3 resources of a type they check/);
});

test("the unchanged local stack passes the plan (exit 0): all three containers checked, the registry's exemption shown", async () => {
  const [json, text] = await runPlans([common, common.filter((a) => a !== "--json")]);
  assert.ok(json.json, json.stderr.slice(0, 2000));
  assert.deepEqual(mandatoryRules(json), [], "mandatory violations");
  assert.equal(json.code, 0, "exit code");
  assert.deepEqual(json.json.switchedOff, []);
  assert.equal(json.json.checkedResources, 3, "web, worker and the registry container");
  assert.equal(text.code, 0);
  assert.match(text.stdout, /berth-docker-non-root-user settings: exemptContainers=\["berth-local-registry"\]/);
});
