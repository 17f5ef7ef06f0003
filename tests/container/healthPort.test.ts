// The app image with its serving port held full (issue 22): before the health port, a client holding as many sockets
// as the connection cap (idle ones are kept for the 75 s keep-alive timeout) made Kestrel refuse every new connection,
// the container health command and the load balancer's GET /health included, so ECS and the ALB would have replaced a
// healthy task. Here, on the real image run with the staging task's hardening flags and memory limit (512 MiB):
//   - more idle sockets than the serving port allows are opened to it (the cap is read from the app's start line);
//   - for longer than the container health check's interval x retries and the target group's interval x unhealthy
//     threshold (both read from the staging stack's settings), the container health command (`podman healthcheck
//     run`, i.e. /app/berth --healthcheck inside the container) passes and GET /health on the health port (8081, where
//     the ALB's target group health check goes) answers 200 within 2 s, on every probe;
//   - meanwhile a new connection to the serving port gets 503 (it is full), and the app logs that at most once per
//     10 s, never once per refused connection;
//   - when the sockets go, the serving port answers 200 again.
// Loopback only (127.0.0.1), bounded in sockets and time; the sockets send nothing.
//
// Env: BERTH_HEALTH_PORT_IMAGE=<tag> runs an existing image instead of building the work tree.
// Run: node --import tsx --test tests/container/healthPort.test.ts
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { loadSettings } from "../../infra/config";
import { hardenedRunArgs, stagingWebSpec } from "../../offline/hardenedRunArgs.js";
import { buildImage, podman, removeContainer, requireTools, waitForHttp200 } from "../../offline/podman.js";
import { fixtureStackConfig } from "../support/fixtures";

// The flood test's build arguments, so both reuse one cached AOT publish layer.
const TEST_SHA = "f100df100df100df100df100df100df100df100d";
const TEST_BUILD_TIME = "2026-01-02T03:04:05Z";
const IMAGE = process.env.BERTH_HEALTH_PORT_IMAGE ?? `localhost/berth-test:flood-${TEST_SHA.slice(0, 12)}`;
const SERVING_PORT = 8080;
const HEALTH_PORT = 8081;
/** Sockets opened beyond the serving port's cap. */
const EXTRA_SOCKETS = 200;
const PROBE_DEADLINE_MS = 2_000;
const suffix = `${process.pid}-${randomBytes(3).toString("hex")}`;

/** How long a failing check takes to fail a task: the longer of the container check and the target group check. */
function failureWindowSeconds(): { seconds: number; why: string } {
  const spec = stagingWebSpec();
  const settings = loadSettings(fixtureStackConfig("staging"), {
    stack: "staging",
    git: () => ({ head: "0".repeat(40), tagsAtHead: [], dirty: false }),
  });
  const lb = "loadBalancer" in settings ? settings.loadBalancer?.healthCheck : undefined;
  assert.ok(lb, "the staging stack has a load balancer");
  const container = spec.healthCheck.intervalSeconds * spec.healthCheck.retries;
  const target = lb.intervalSeconds * lb.unhealthyThreshold;
  return {
    seconds: Math.max(container, target),
    why: `container ${spec.healthCheck.intervalSeconds} s x ${spec.healthCheck.retries}, target group ${lb.intervalSeconds} s x ${lb.unhealthyThreshold}`,
  };
}

/** The hardened staging flags without the restart policy (a crash must show) and with a short shutdown timeout. */
function runArgs(): string[] {
  const args = hardenedRunArgs();
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--restart") {
      i++;
      continue;
    }
    out.push(args[i]!);
  }
  return [...out, "--env", "Berth__ShutdownTimeoutSeconds=5"];
}

async function hostPort(name: string, containerPort: number): Promise<number> {
  const { stdout } = await podman(["port", name, `${containerPort}/tcp`]);
  const m = /127\.0\.0\.1:(\d+)/.exec(stdout);
  if (!m) throw new Error(`podman port ${name} ${containerPort}: no 127.0.0.1 binding in ${JSON.stringify(stdout)}`);
  return Number(m[1]);
}

async function allLogs(name: string): Promise<string> {
  const r = await podman(["logs", name], { allowFail: true, timeoutMs: 30_000 });
  return r.stdout + r.stderr;
}

/** Opens `count` idle sockets (200 connecting at a time); resolves with those the server has not closed. */
async function openIdle(port: number, count: number): Promise<{ open: Set<net.Socket>; closedByServer: () => number }> {
  const open = new Set<net.Socket>();
  let closed = 0;
  for (let start = 0; start < count; start += 200) {
    const batch = Array.from({ length: Math.min(200, count - start) }, () => {
      return new Promise<void>((resolve) => {
        const socket = net.connect({ host: "127.0.0.1", port });
        socket.on("error", () => {});
        socket.on("data", () => {}); // a refusal's 503
        socket.once("connect", () => {
          open.add(socket);
          resolve();
        });
        socket.once("close", () => {
          if (open.delete(socket)) closed++;
          resolve();
        });
      });
    });
    await Promise.all(batch);
  }
  return { open, closedByServer: () => closed };
}

/** Status code of GET /health on a fresh connection, or an error text (e.g. closed without an answer). */
async function probe(port: number): Promise<number | string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, {
      signal: AbortSignal.timeout(PROBE_DEADLINE_MS),
      headers: { connection: "close" },
    });
    await res.arrayBuffer();
    return res.status;
  } catch (e) {
    return String((e as Error).cause ?? (e as Error).message);
  }
}

describe("the app image with its serving port held full (127.0.0.1 only)", () => {
  const name = `berth-test-health-port-${suffix}`;

  before(async () => {
    requireTools(["podman", "buildah"]);
    if (!process.env.BERTH_HEALTH_PORT_IMAGE) {
      await buildImage(["-f", "Dockerfile", "-t", IMAGE], {
        env: { GIT_SHA: TEST_SHA, VERSION: "0.0.0-flood", BUILD_TIME: TEST_BUILD_TIME },
      });
    }
  });

  after(async () => {
    await removeContainer(name);
  });

  test("the container health command and the health port answer throughout; the serving port refuses with 503 and logs it rate-limited", async (t) => {
    const window = failureWindowSeconds();
    const holdSeconds = window.seconds + 2;
    await podman(["rm", "-f", "--ignore", name], { allowFail: true });
    await podman(
      [
        "run",
        "-d",
        "--name",
        name,
        "-p",
        `127.0.0.1::${SERVING_PORT}`,
        "-p",
        `127.0.0.1::${HEALTH_PORT}`,
        ...runArgs(),
        IMAGE,
      ],
      { timeoutMs: 60_000 },
    );
    const serving = await hostPort(name, SERVING_PORT);
    const health = await hostPort(name, HEALTH_PORT);
    await waitForHttp200(`http://127.0.0.1:${health}/health`, 60_000);

    const start = /at most (\d+) connections on the serving port and (\d+) on the health port (\d+)/.exec(
      await allLogs(name),
    );
    assert.ok(start, "the app logs its connection budgets at start");
    const cap = Number(start[1]);
    assert.equal(Number(start[3]), HEALTH_PORT, "the health port is on by default");

    const held = await openIdle(serving, cap + EXTRA_SOCKETS);
    const failures: string[] = [];
    let probes = 0;
    let servingRefusals = 0;
    let servingProbes = 0;
    const holdEnd = performance.now() + holdSeconds * 1000;
    while (performance.now() < holdEnd) {
      const check = await podman(["healthcheck", "run", name], { allowFail: true, timeoutMs: 15_000 });
      if (check.code !== 0) failures.push(`health command: exit ${check.code} ${(check.stdout + check.stderr).trim()}`);
      const status = await probe(health);
      if (status !== 200) failures.push(`GET /health on the health port: ${status}`);
      const refused = await probe(serving);
      servingProbes++;
      if (refused === 503) servingRefusals++;
      probes++;
      await new Promise((r) => setTimeout(r, 500));
    }
    const stillHeld = held.open.size;
    const refusedByServer = held.closedByServer();
    for (const s of held.open) s.destroy();
    await waitForHttp200(`http://127.0.0.1:${serving}/health`, 10_000);
    const logs = await allLogs(name);
    const { State } = JSON.parse((await podman(["container", "inspect", name])).stdout)[0] as {
      State: { Running: boolean; OOMKilled: boolean };
    };
    const budgetLines = logs.split("\n").filter((l) => l.includes('"Category":"Berth.App.ConnectionBudget"'));
    const kestrelRejections = logs
      .split("\n")
      .filter((l) => /rejected because the maximum number of concurrent/.test(l));

    const summary =
      `held ${stillHeld} of ${cap + EXTRA_SOCKETS} sockets (serving cap ${cap}, closed by the server ${refusedByServer}) ` +
      `for ${holdSeconds} s (failure window: ${window.why}); ${probes} rounds of probes, ${failures.length} failed; ` +
      `serving port 503 on ${servingRefusals}/${servingProbes}; ${budgetLines.length} saturation log lines`;
    t.diagnostic(summary);
    process.stderr.write(`healthPort: ${summary}\n`);

    assert.ok(State.Running && !State.OOMKilled, `the container stayed up\n${summary}`);
    assert.ok(stillHeld >= cap, `the serving port's every slot was held\n${summary}`);
    assert.ok(refusedByServer >= EXTRA_SOCKETS, `the sockets beyond the cap were refused\n${summary}`);
    assert.ok(probes >= holdSeconds / 5, `probed throughout the hold\n${summary}`);
    assert.deepEqual(failures, [], `every health probe passed while the serving port was full\n${summary}`);
    assert.equal(servingRefusals, servingProbes, `the serving port was full throughout (503)\n${summary}`);
    assert.ok(budgetLines.length >= 1, `the saturation is logged\n${summary}`);
    assert.ok(
      budgetLines.length <= Math.ceil(holdSeconds / 10) + 1,
      `at most one saturation line per 10 s, not one per refused connection\n${summary}`,
    );
    assert.deepEqual(kestrelRejections, [], "no per-connection rejection warnings");
  });
});
