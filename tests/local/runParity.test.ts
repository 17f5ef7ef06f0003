// Parity with the other local rendering of the same spec: the `docker run` flags of infra/local/localRun.ts (what the
// container tests and compose.yaml use). Every flag is mapped to the docker.Container field it stands for, and the
// two must agree; the only flag without a counterpart is --pids-limit (no such field in @pulumi/docker 5.2).
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSettings } from "../../infra/config";
import { containerSpecFor, type ContainerSpec } from "../../infra/container/containerSpec";
import { renderRunArgs } from "../../infra/local/localRun";
import { renderDockerContainer } from "../../infra/local/localContainer";
import { fixtureStackConfig } from "../support/fixtures";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const REF = `127.0.0.1:5001/berth@sha256:${"d".repeat(64)}`;
const settings = loadSettings(
  { ...fixtureStackConfig("local"), "berth:imageSha": SHA },
  { stack: "local", git: () => assert.fail("no git") },
);

/** The docker.Container fields the `docker run` flags describe. */
function containerFieldsOfFlags(args: string[]) {
  const out: Record<string, any> = {
    tmpfs: {},
    capDrops: [],
    securityOpts: [],
    envs: [],
    logOpts: {},
    ports: [],
    unmapped: [],
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = () => args[++i];
    switch (flag) {
      case "--read-only":
        out.readOnly = true;
        break;
      case "--tmpfs": {
        const v = value();
        out.tmpfs[v.slice(0, v.indexOf(":"))] = v.slice(v.indexOf(":") + 1);
        break;
      }
      case "--user":
        out.user = value();
        break;
      case "--memory":
        out.memory = Number(value().replace(/m$/, ""));
        break;
      case "--memory-reservation":
        out.memoryReservation = Number(value().replace(/m$/, ""));
        break;
      case "--memory-swap":
        out.memorySwap = Number(value().replace(/m$/, ""));
        break;
      case "--cpus":
        out.cpus = value();
        break;
      case "--cap-drop":
        out.capDrops.push(value());
        break;
      case "--security-opt":
        out.securityOpts.push(value());
        break;
      case "--init":
        out.init = true;
        break;
      case "--health-interval":
        out.healthInterval = value();
        break;
      case "--health-timeout":
        out.healthTimeout = value();
        break;
      case "--health-retries":
        out.healthRetries = Number(value());
        break;
      case "--health-start-period":
        out.healthStartPeriod = value();
        break;
      case "--stop-timeout":
        out.stopTimeout = Number(value());
        break;
      case "--log-driver":
        out.logDriver = value();
        break;
      case "--log-opt": {
        const v = value();
        out.logOpts[v.slice(0, v.indexOf("="))] = v.slice(v.indexOf("=") + 1);
        break;
      }
      case "--restart":
        out.restart = value();
        break;
      case "-p": {
        const [ip, external, internal] = value().split(":");
        out.ports.push({ internal: Number(internal), external: Number(external), ip, protocol: "tcp" });
        break;
      }
      case "--env":
        out.envs.push(value());
        break;
      default:
        out.unmapped.push(flag, args[i + 1]);
        i++;
    }
  }
  return out;
}

for (const service of settings.services) {
  test(`${service.name}: docker.Container inputs agree with the docker run flags of the same spec`, () => {
    const spec: ContainerSpec = containerSpecFor(settings, service, REF);
    const hostPort = settings.local!.hostPorts[service.name];
    const flags = containerFieldsOfFlags(renderRunArgs(spec, { flavour: "docker", hostPort }));
    const c = renderDockerContainer(spec, {
      imageId: "sha256:" + "e".repeat(64),
      networkName: "berth-local",
      hostPort,
      restartPolicy: settings.local!.restartPolicy,
      healthyWaitSeconds: settings.local!.healthyWaitSeconds,
      stack: "local",
    }) as Record<string, any>;

    assert.deepEqual(
      flags.unmapped,
      ["--pids-limit", String(spec.pidsLimit)],
      "the only flag without a docker.Container field",
    );
    assert.equal(c.readOnly, flags.readOnly ?? false);
    assert.deepEqual(c.tmpfs, flags.tmpfs);
    assert.equal(c.user, flags.user);
    assert.equal(c.memory, flags.memory);
    assert.equal(c.memoryReservation, flags.memoryReservation);
    assert.equal(c.memorySwap, flags.memorySwap);
    assert.equal(c.cpus, flags.cpus);
    assert.deepEqual(c.capabilities.drops, flags.capDrops);
    // `no-new-privileges` and `no-new-privileges:true` are the same Docker security option.
    assert.deepEqual(
      c.securityOpts.map((o: string) => o.replace(/:true$/, "")),
      flags.securityOpts,
    );
    assert.equal(c.init, flags.init ?? false);
    assert.equal(c.healthcheck.interval, flags.healthInterval);
    assert.equal(c.healthcheck.timeout, flags.healthTimeout);
    assert.equal(c.healthcheck.retries, flags.healthRetries);
    assert.equal(c.healthcheck.startPeriod, flags.healthStartPeriod);
    assert.equal(c.stopTimeout, flags.stopTimeout);
    assert.equal(c.logDriver, flags.logDriver);
    assert.deepEqual(c.logOpts, flags.logOpts);
    assert.equal(c.restart, flags.restart);
    assert.deepEqual(c.ports, flags.ports);
    assert.deepEqual(c.envs, flags.envs);
  });
}
