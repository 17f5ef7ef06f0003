// Parity against what the staging stack really registers: the container definitions of staging's ECS task
// definitions (captured under mocks) and the local stack's docker.Container rendering of the same services.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import type * as aws from "@pulumi/aws";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { loadSettings } from "../../infra/config";
import { containerSpecFor } from "../../infra/container/containerSpec";
import { renderDockerContainer } from "../../infra/local/localContainer";
import { assertContainerParity } from "./containerParity";
import { fixtureStackConfig } from "../support/fixtures";

const SHA = "0123456789abcdef0123456789abcdef01234567";
let staging: CapturedStack;
const local = loadSettings(
  { ...fixtureStackConfig("local"), "berth:imageSha": SHA },
  { stack: "local", git: () => assert.fail("no git") },
);

before(async () => {
  staging = await captureStack({
    stack: "staging",
    config: { ...fixtureStackConfig("staging"), "berth:imageSha": SHA },
  });
});

function stagingDefinition(service: string): aws.ecs.ContainerDefinition {
  const defs = staging.resources
    .filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition")
    .flatMap((r) => JSON.parse(String(r.inputs.containerDefinitions)) as aws.ecs.ContainerDefinition[])
    .filter((d) => d.name === service);
  assert.equal(defs.length, 1, `staging registers one container definition named ${service}`);
  return defs[0];
}

test("the staging program loads", () => {
  assert.equal(staging.error, undefined, String(staging.error));
});

for (const name of ["web", "worker"]) {
  test(`${name}: the local container carries what staging's registered task definition carries`, () => {
    const ecs = stagingDefinition(name);
    const service = local.services.find((s) => s.name === name)!;
    // The same image reference form: both run an image pinned by digest.
    assert.match(String(ecs.image), /@sha256:[0-9a-f]{64}$/);
    const spec = containerSpecFor(local, service, `127.0.0.1:5001/berth@${String(ecs.image).split("@")[1]}`);
    const dock = renderDockerContainer(spec, {
      imageId: "sha256:" + "f".repeat(64),
      networkName: "berth-local",
      hostPort: local.local!.hostPorts[name],
      restartPolicy: local.local!.restartPolicy,
      healthyWaitSeconds: local.local!.healthyWaitSeconds,
      stack: "local",
    }) as Record<string, any>;
    assertContainerParity(ecs, dock, name);
  });
}
