// Shared by the parity tests: what a local docker.Container must share with an ECS container definition of the same
// service. Not a test file itself (tests run as tests/**/*.test.ts).
import assert from "node:assert/strict";
import type * as aws from "@pulumi/aws";

function envMap(entries: string[]): Record<string, string> {
  return Object.fromEntries(entries.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

/**
 * Asserts that `dock` (docker.Container inputs of the local stack) carries what `ecs` (a staging container
 * definition) carries: user, read-only root, writable paths, memory, CPU, capabilities, init, health check, command,
 * stop timeout, log mode, environment (but for Berth__Environment) and the container port.
 */
export function assertContainerParity(
  ecs: aws.ecs.ContainerDefinition,
  dock: Record<string, any>,
  label: string,
): void {
  const at = (what: string) => `${label}: ${what}`;
  assert.ok(ecs.user, at("ECS runs a non-root user"));
  assert.equal(dock.user, ecs.user, at("user"));
  assert.equal(ecs.readonlyRootFilesystem, true, at("ECS read-only root"));
  assert.equal(dock.readOnly, ecs.readonlyRootFilesystem, at("read-only root"));
  assert.deepEqual(
    Object.keys(dock.tmpfs),
    (ecs.mountPoints ?? []).map((m) => m.containerPath),
    at("the same writable paths"),
  );
  assert.equal(dock.memory, ecs.memory, at("memory"));
  assert.equal(dock.memoryReservation, ecs.memoryReservation, at("memory reservation"));
  assert.equal(Number(dock.cpus) * 1024, ecs.cpu, at("cpu"));
  assert.deepEqual(ecs.linuxParameters?.capabilities?.drop, ["ALL"], at("ECS drops all capabilities"));
  assert.deepEqual(dock.capabilities.drops, ecs.linuxParameters?.capabilities?.drop, at("capabilities"));
  assert.equal(ecs.linuxParameters?.initProcessEnabled, true, at("ECS init"));
  assert.equal(dock.init, ecs.linuxParameters?.initProcessEnabled, at("init"));
  assert.deepEqual(ecs.healthCheck?.command, ["CMD", "/app/berth", "--healthcheck"], at("ECS health command"));
  assert.deepEqual(dock.healthcheck.tests, ecs.healthCheck?.command, at("health command"));
  assert.equal(dock.healthcheck.interval, `${ecs.healthCheck?.interval}s`, at("health interval"));
  assert.equal(dock.healthcheck.timeout, `${ecs.healthCheck?.timeout}s`, at("health timeout"));
  assert.equal(dock.healthcheck.retries, ecs.healthCheck?.retries, at("health retries"));
  assert.equal(dock.healthcheck.startPeriod, `${ecs.healthCheck?.startPeriod}s`, at("health start period"));
  assert.deepEqual(dock.command, ecs.command, at("command"));
  assert.equal(dock.stopTimeout, ecs.stopTimeout, at("stop timeout"));
  assert.equal(dock.logOpts.mode, ecs.logConfiguration?.options?.mode, at("log mode"));
  const ecsEnv = Object.fromEntries((ecs.environment ?? []).map((e) => [e.name!, e.value!]));
  assert.deepEqual(
    { ...envMap(dock.envs), Berth__Environment: "-" },
    { ...ecsEnv, Berth__Environment: "-" },
    at("environment"),
  );
  assert.equal(envMap(dock.envs).Berth__Environment, "local", at("Berth__Environment"));
  // ECS's port mapping (routed services) is the port published on 127.0.0.1 locally.
  assert.deepEqual(
    dock.ports.map((p: { internal: number }) => p.internal),
    (ecs.portMappings ?? []).map((p) => p.containerPort),
    at("ports"),
  );
  assert.ok(
    dock.ports.every((p: { ip: string }) => p.ip === "127.0.0.1"),
    at("ports on 127.0.0.1 only"),
  );
  // Local only: no privilege escalation (Fargate offers no such setting).
  assert.deepEqual(dock.securityOpts, ["no-new-privileges:true"], at("no-new-privileges"));
}
