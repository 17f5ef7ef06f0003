// Parity: for the same service, the local docker.Container (local stack) and the ECS container definition (staging
// stack) are rendered from container specs that agree on everything but the environment's name, and both renderings
// carry the same user, read-only root, memory, CPU, health check, capabilities, init, command and environment.
// Pure: loadSettings + the two renderers, no Pulumi runtime.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSettings, type Settings } from "../../infra/config";
import { containerSpecFor, type ContainerSpec } from "../../infra/container/containerSpec";
import { renderContainerDefinition } from "../../infra/container/containerDefinition";
import { renderDockerContainer } from "../../infra/local/localContainer";

import { assertContainerParity } from "./containerParity";
import { fixtureStackConfig } from "../support/fixtures";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const REF = `111111111111.dkr.ecr.eu-west-1.amazonaws.com/berth@sha256:${"a".repeat(64)}`;
const git = () => ({ head: SHA, tagsAtHead: [], dirty: false });
const staging = loadSettings({ ...fixtureStackConfig("staging"), "berth:imageSha": SHA }, { stack: "staging", git });
const local = loadSettings({ ...fixtureStackConfig("local"), "berth:imageSha": SHA }, { stack: "local", git });

function specs(settings: Settings): Map<string, ContainerSpec> {
  return new Map(settings.services.map((s) => [s.name, containerSpecFor(settings, s, REF)]));
}
const stagingSpecs = specs(staging);
const localSpecs = specs(local);

function renderLocal(spec: ContainerSpec) {
  return renderDockerContainer(spec, {
    imageId: "sha256:" + "b".repeat(64),
    networkName: "berth-local",
    hostPort: local.local!.hostPorts[spec.name],
    restartPolicy: local.local!.restartPolicy,
    healthyWaitSeconds: local.local!.healthyWaitSeconds,
    stack: "local",
  }) as Record<string, any>;
}

test("both stacks have the same services", () => {
  assert.deepEqual([...localSpecs.keys()], [...stagingSpecs.keys()]);
  assert.deepEqual([...localSpecs.keys()], ["web", "worker"]);
});

test("the local and staging specs differ only in the environment's name", () => {
  for (const [name, stagingSpec] of stagingSpecs) {
    const localSpec = localSpecs.get(name)!;
    const { environment: le, logs: ll, ...localRest } = localSpec;
    const { environment: se, logs: sl, ...stagingRest } = stagingSpec;
    assert.deepEqual(localRest, stagingRest, name);
    assert.deepEqual({ ...le, Berth__Environment: "x" }, { ...se, Berth__Environment: "x" }, name);
    assert.equal(le.Berth__Environment, "local");
    assert.equal(se.Berth__Environment, "staging");
    // CloudWatch retention differs by environment and means nothing locally; the rest of the logging agrees.
    assert.deepEqual({ ...ll, retentionDays: 0 }, { ...sl, retentionDays: 0 }, name);
  }
});

for (const name of ["web", "worker"]) {
  test(`${name}: the docker.Container carries what the ECS container definition carries`, () => {
    const ecs = renderContainerDefinition(stagingSpecs.get(name)!, `/berth/staging/${name}`, "eu-west-1");
    assertContainerParity(ecs, renderLocal(localSpecs.get(name)!), name);
  });
}

test("an explicit hardening opt-out reaches both renderings alike", () => {
  const config: Record<string, string> = { ...fixtureStackConfig("local"), "berth:imageSha": SHA };
  const services = JSON.parse(config["berth:services"]);
  services.web.hardening = {
    readonlyRootFilesystem: false,
    dropAllCapabilities: false,
    initProcess: false,
    noNewPrivileges: false,
  };
  const optedOut = loadSettings({ ...config, "berth:services": JSON.stringify(services) }, { stack: "local", git });
  const spec = containerSpecFor(
    optedOut,
    optedOut.services.find((s) => s.name === "web")!,
    REF,
  );
  const dock = renderLocal(spec);
  const ecs = renderContainerDefinition(spec, "/berth/local/web", "eu-west-1");
  assert.equal(dock.readOnly, false);
  assert.equal(ecs.readonlyRootFilesystem, false);
  assert.deepEqual(dock.capabilities.drops, []);
  assert.deepEqual(ecs.linuxParameters?.capabilities?.drop, []);
  assert.equal(dock.init, false);
  assert.deepEqual(dock.securityOpts, []);
});
