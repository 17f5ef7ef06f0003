/**
 * An unknown key's problem leads somewhere: the whole list of known keys of its section (the keys a reader only
 * probes, like a service's `route`, included), the known key it is a typo of, and for a setting written in the wrong
 * section, the section it belongs to (from the declarations).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { BERTH, ConfigError, loadSettings } from "../../infra/config";
import { closestKey, declaredKeyPaths, editDistance, homesOf } from "../../infra/config/keyHints";
import { fixtureStackConfig } from "../support/fixtures";
import { SHA } from "../support/constants";

const GIT = () => ({ head: SHA, tagsAtHead: [], dirty: false });

/** The problems of the staging fixture with `edit` applied to its first service (and top-level `extra` keys). */
function problems(edit: (service: Record<string, any>) => void, extra: Record<string, string> = {}) {
  const config: Record<string, string> = { ...fixtureStackConfig("staging"), "berth:imageSha": SHA, ...extra };
  const services = JSON.parse(config["berth:services"]!);
  const first = Object.keys(services)[0]!;
  edit(services[first]);
  config["berth:services"] = JSON.stringify(services);
  try {
    loadSettings(config, { stack: "staging", git: GIT });
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return { first, problems: [...e.problems] };
  }
  assert.fail("the configuration was accepted");
}

test("a mistyped key at any depth is answered with the key it is likely a typo of", () => {
  const { first, problems: found } = problems(
    (s) => {
      s.rotue = { default: true };
      s.healthCheck = { intervalSecond: 10 };
      s.hardening = { nonRootUsr: false };
    },
    { "berth:notification": "{}" },
  );
  const at = (key: string) => found.find((p) => p.key === key)?.allowed ?? "";
  assert.match(at(`berth:services.${first}.rotue`), /did you mean `route`\?/);
  assert.match(at(`berth:services.${first}.healthCheck.intervalSecond`), /did you mean `intervalSeconds`\?/);
  assert.match(at(`berth:services.${first}.hardening.nonRootUsr`), /did you mean `nonRootUser`\?/);
  assert.match(at("berth:notification"), /did you mean `notifications`\?/);
});

test("the known keys of a service include those its reader only probes (route, hardening), absent or not", () => {
  const { first, problems: found } = problems((s) => {
    delete s.route;
    s.zzz = 1;
  });
  const allowed = found.find((p) => p.key === `berth:services.${first}.zzz`)!.allowed;
  for (const key of ["route", "hardening", "healthCheck", "autoscaling", "deployment"])
    assert.match(allowed, new RegExp(`\\b${key}\\b`), `${key} is listed: ${allowed}`);
  assert.doesNotMatch(allowed, /did you mean/, "nothing is close to zzz");
});

test("a setting written in the wrong section names the section it belongs to", () => {
  const declared = declaredKeyPaths(BERTH, "berth");
  const homes = homesOf("berth:services.web.healthCheck", "path", declared);
  assert.ok(homes.length > 0, "healthCheck.path is declared somewhere else");
  for (const h of homes) assert.match(h, /healthCheck\.path$/);
  assert.ok(
    homes.every((h) => !h.startsWith("berth:services.<")),
    "not the section it was written in",
  );
  // Through loadSettings: a load balancer's setting written under a service says where to set it.
  const { first, problems: found } = problems(
    (s) => (s.certificateArn = "arn:aws:acm:eu-west-1:111111111111:certificate/x"),
  );
  const p = found.find((x) => x.key === `berth:services.${first}.certificateArn`);
  assert.ok(p, "the misplaced key is refused");
  assert.match(p.allowed, /`certificateArn` is a setting of `berth:loadBalancer\.certificateArn`: set it there/);
});

test("a key too generic to place, or already a typo, gets no home", () => {
  const declared = declaredKeyPaths(BERTH, "berth");
  const enabledHomes = declared.filter((d) => d.endsWith(".enabled"));
  assert.ok(enabledHomes.length > 3, "several sections have `enabled`");
  assert.deepEqual(homesOf("berth:services.web", "enabled", declared), []);
});

test("closestKey: case and separators fold, at most a third of the key's length in edits, ties to the first", () => {
  assert.equal(closestKey("health_check", ["healthCheck", "route"]), "healthCheck");
  assert.equal(closestKey("HealthCheck", ["healthCheck"]), "healthCheck");
  assert.equal(closestKey("cpu", ["cpus", "memory"]), "cpus");
  assert.equal(closestKey("xyz", ["cpu"]), undefined, "3 edits of a 3-letter key is no suggestion");
  assert.equal(closestKey("memroy", ["memory", "memoryReservation"]), "memory", "a swap of two letters is one edit");
  assert.equal(editDistance("heatlh", "health"), 1);
  assert.equal(editDistance("", "abc"), 3);
});
