// The `local` stack's settings: defaults, what is refused (and how the error names key, value and what is allowed).
// Pure: loadSettings only, no Pulumi runtime.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, loadSettings, type Settings } from "../../infra/config";
import { CLOUD_ONLY_KEYS } from "../../infra/config/local";
import { fixtureStackConfig } from "../support/fixtures";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const git = () => ({ head: SHA, tagsAtHead: [], dirty: false });
const base = (): Record<string, string> => ({ ...fixtureStackConfig("local"), "berth:imageSha": SHA });

function load(config: Record<string, string>): Settings {
  return loadSettings(config, { stack: "local", git });
}

function problemsOf(config: Record<string, string>): ConfigError["problems"] {
  try {
    load(config);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e.problems;
  }
  assert.fail("expected the configuration to be refused");
}

function withLocal(local: Record<string, unknown>): Record<string, string> {
  return { ...base(), "berth:local": JSON.stringify(local) };
}

test("Pulumi.local.yaml loads as the local target with its defaults", () => {
  const s = load(base());
  assert.equal(s.target, "local");
  assert.equal(s.environment, "local");
  assert.deepEqual(s.local, {
    registryPort: 5001,
    bindAddress: "127.0.0.1",
    hostPorts: { web: 8080 },
    restartPolicy: "unless-stopped",
    secretsFile: ".berth/local-secrets.yaml",
    healthyWaitSeconds: 60,
  });
  // No cloud settings at all in the local stack.
  for (const key of [
    "aws",
    "gcp",
    "ecr",
    "artifactRegistry",
    "ghcr",
    "network",
    "loadBalancer",
    "cluster",
    "promotion",
    "delivery",
  ] as const) {
    assert.equal(s[key], undefined, key);
  }
});

test("the local stack runs the same services as staging (same sizes, commands and routes)", () => {
  const local = load(base());
  const staging = loadSettings({ ...fixtureStackConfig("staging"), "berth:imageSha": SHA }, { stack: "staging", git });
  const shape = (s: Settings) =>
    s.services.map((x) => ({
      name: x.name,
      command: x.command,
      cpu: x.cpu,
      memory: x.memory,
      routed: x.route !== undefined,
      hardening: x.hardening,
    }));
  assert.deepEqual(shape(local), shape(staging));
});

test("routed services get host ports from 8080 by default; a worker is published only when given a port", () => {
  const s = load({ ...base(), "berth:local": JSON.stringify({}) });
  assert.deepEqual(s.local?.hostPorts, { web: 8080 });
  const published = load(withLocal({ hostPorts: { worker: 9090 } }));
  assert.deepEqual(published.local?.hostPorts, { web: 8080, worker: 9090 });
});

test("a default host port skips ports already taken by the registry or an explicit port", () => {
  const s = load(withLocal({ registryPort: 8080, hostPorts: { worker: 8081 } }));
  assert.deepEqual(s.local?.hostPorts, { web: 8082, worker: 8081 });
});

test("the bind address is 127.0.0.1 only", () => {
  const problems = problemsOf(withLocal({ bindAddress: "0.0.0.0" }));
  assert.deepEqual(
    problems.map((p) => [p.key, p.value]),
    [["berth:local.bindAddress", "0.0.0.0"]],
  );
  assert.match(problems[0].allowed, /127\.0\.0\.1 only/);
  assert.equal(load(withLocal({ bindAddress: "127.0.0.1" })).local?.bindAddress, "127.0.0.1");
});

test("host ports: clashes with the registry or each other, unknown services and out-of-range ports are refused", () => {
  const problems = problemsOf(withLocal({ registryPort: 6000, hostPorts: { web: 6000, worker: 6000, db: 7000 } }));
  const byKey = new Map(problems.map((p) => [p.key, p]));
  assert.match(byKey.get("berth:local.hostPorts.web")!.allowed, /not already used by berth:local\.registryPort/);
  assert.match(byKey.get("berth:local.hostPorts.worker")!.allowed, /not already used by berth:local\.registryPort/);
  assert.match(byKey.get("berth:local.hostPorts.db")!.allowed, /a service in berth:services \(web, worker\)/);
  assert.equal(problems.length, 3);

  const twice = problemsOf(withLocal({ hostPorts: { web: 9000, worker: 9000 } }));
  assert.deepEqual(
    twice.map((p) => [p.key, p.value]),
    [["berth:local.hostPorts.worker", 9000]],
  );
  assert.match(twice[0].allowed, /berth:local\.hostPorts\.web/);

  const low = problemsOf(withLocal({ hostPorts: { web: 80 }, registryPort: 70000 }));
  assert.deepEqual(low.map((p) => p.key).sort(), ["berth:local.hostPorts.web", "berth:local.registryPort"]);
});

test("restart policy and wait time are validated; unknown local keys are refused", () => {
  const problems = problemsOf(withLocal({ restartPolicy: "sometimes", healthyWaitSeconds: 1, logMaxSiz: "1m" }));
  assert.deepEqual(problems.map((p) => p.key).sort(), [
    "berth:local.healthyWaitSeconds",
    "berth:local.logMaxSiz",
    "berth:local.restartPolicy",
  ]);
  assert.match(problems.find((p) => p.key === "berth:local.restartPolicy")!.allowed, /"unless-stopped"/);
  assert.equal(load(withLocal({ restartPolicy: "on-failure" })).local?.restartPolicy, "on-failure");
});

test("every cloud-only key given in the local stack is an error naming the key", () => {
  for (const key of CLOUD_ONLY_KEYS) {
    const problems = problemsOf({
      ...base(),
      [`berth:${key}`]:
        key === "awsAccountId" ? "111111111111" : key === "gcpProject" || key === "gcpRegion" ? "europe-west1" : "{}",
    });
    assert.deepEqual(
      problems.map((p) => p.key),
      [`berth:${key}`],
      key,
    );
    assert.match(problems[0].allowed, /nothing in the local stack/);
  }
});

test("provider keys (aws:, gcp:, github:) in the local stack are errors", () => {
  const problems = problemsOf({ ...base(), "aws:region": "eu-west-1", "gcp:project": "p", "github:owner": "o" });
  assert.deepEqual(problems.map((p) => p.key).sort(), ["aws:region", "gcp:project", "github:owner"]);
  assert.equal(problems.find((p) => p.key === "aws:region")!.value, "eu-west-1");
});

test("service secrets are accepted in the local stack (their local values come from berth:local.secretsFile), and the file's path is checked", () => {
  const config = base();
  const services = JSON.parse(config["berth:services"]);
  const first = Object.keys(services)[0]!;
  services[first].secrets = { API_KEY: "arn:aws:ssm:eu-west-1:111111111111:parameter/berth/api-key" };
  const settings = loadSettings({ ...config, "berth:services": JSON.stringify(services) }, { stack: "local", git });
  assert.equal(settings.target === "local" && settings.local.secretsFile, ".berth/local-secrets.yaml");
  for (const bad of ["/etc/secrets.yaml", "../outside.yaml", "a/../../b.yaml"]) {
    const problems = problemsOf({ ...config, "berth:local": JSON.stringify({ secretsFile: bad }) });
    assert.ok(
      problems.some((p) => p.key === "berth:local.secretsFile" && /inside it/.test(p.allowed)),
      `${bad}: ${JSON.stringify(problems)}`,
    );
  }
});

test("berth:local in a cloud stack is an unknown key there", () => {
  assert.throws(
    () =>
      loadSettings(
        { ...fixtureStackConfig("staging"), "berth:imageSha": SHA, "berth:local": "{}" },
        { stack: "staging", git },
      ),
    (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.key === "berth:local"),
  );
});

test("settings the local stack would ignore (platform, tags, log retention) are refused with the reason", () => {
  const problems = problemsOf({
    ...base(),
    "berth:platform": "linux/arm64",
    "berth:tags": JSON.stringify({ team: "a" }),
    "berth:logs": JSON.stringify({ retentionDays: 30 }),
  });
  const byKey = new Map(problems.map((p) => [p.key, p.allowed]));
  assert.deepEqual([...byKey.keys()].sort(), ["berth:logs", "berth:platform", "berth:tags"]);
  assert.match(byKey.get("berth:platform")!, /this machine's own architecture/);
  assert.match(byKey.get("berth:tags")!, /cloud resources/);
  assert.match(byKey.get("berth:logs")!, /CloudWatch/);
});
