// The app image under a connection flood at the task's memory limit (issue 14): a few hundred connections to
// 127.0.0.1 that each send about 1 MiB of pipelined `GET /health` requests and never read an answer, so the app's
// writes stall and the unread input piles up in its buffers. Before the socket transport's read buffer was bounded
// (Kestrel's default SocketTransportOptions.MaxReadBufferSize is 1 MiB per connection) this ran the process out of
// memory in seconds. Asserted at 512 MiB (the staging/prod task size) and at 64 MiB, on the real image run with the
// hardened flags:
//   - the container stays up (not OOM-killed, not restarted: no restart policy here, so a crash shows);
//   - GET /health on a fresh connection answers 200 within 1 s while the flood lasts and after it;
//   - the app's peak RSS (VmHWM) stays below min(85 % of the memory limit, 160 MiB);
//   - SIGTERM (podman stop) with the flood still connected ends the process with exit code 0 within the shutdown
//     timeout, and the app logs how many in-flight requests the timeout cut.
// The flood is bounded in connections, bytes and time, targets only 127.0.0.1 and stops by itself.
//
// Env: BERTH_FLOOD_IMAGE=<tag> measures an existing image instead of building the work tree (e.g. the base commit's,
// for before/after figures); BERTH_FLOOD_CONNECTIONS (300), BERTH_FLOOD_SECONDS (15).
// Run: node --import tsx --test tests/container/flood.test.ts
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { hardenedRunArgs } from "../../offline/hardenedRunArgs.js";
import {
  buildImage as buildWith,
  containerHostPids,
  containerLogs,
  inspectContainer,
  podman,
  procStatus,
  removeContainer,
  requireTools,
  startContainer,
  waitForHttp200,
} from "../../offline/podman.js";
import { TEST_BUILD_ENV, TEST_SHA } from "./testImage.js";

const IMAGE = process.env.BERTH_FLOOD_IMAGE ?? `localhost/berth-test:flood-${TEST_SHA.slice(0, 12)}`;
const CONNECTIONS = Number(process.env.BERTH_FLOOD_CONNECTIONS ?? 300);
const FLOOD_SECONDS = Number(process.env.BERTH_FLOOD_SECONDS ?? 15);
const BYTES_PER_CONNECTION = 1 << 20;
const HEALTH_DEADLINE_MS = 1_000;
const PROBE_INTERVAL_MS = 250;
/** Peak RSS must stay below this share of the container's memory limit, and below RSS_BOUND_MIB. */
const RSS_BOUND_FRACTION = 0.85;
const RSS_BOUND_MIB = 160;
/** Berth:ShutdownTimeoutSeconds for these containers (the default 20 s would only make the test slower). */
const SHUTDOWN_TIMEOUT_S = 5;
const MiB = 1024 * 1024;
const suffix = `${process.pid}-${randomBytes(3).toString("hex")}`;

/** The hardened flags with the memory limit replaced, no restart policy, and a short shutdown timeout. */
export function floodRunArgs(memory: string): string[] {
  const replaced = new Set(["--memory", "--memory-swap", "--memory-reservation", "--restart"]);
  const args = hardenedRunArgs();
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    if (replaced.has(flag)) {
      if (inline === undefined) i++;
      continue;
    }
    out.push(args[i]!);
  }
  return [
    ...out,
    "--memory",
    memory,
    "--memory-swap",
    memory,
    "--env",
    `Berth__ShutdownTimeoutSeconds=${SHUTDOWN_TIMEOUT_S}`,
  ];
}

function buildImage(): Promise<void> {
  return buildWith(["-f", "Dockerfile", "-t", IMAGE], {
    // The hardened test's build arguments: one build serves both (tests/container/testImage.ts).
    env: TEST_BUILD_ENV,
  });
}

/** GET /health on a fresh connection; latency in ms, or Infinity when it fails or takes longer than 1 s. */
async function probeHealth(port: number): Promise<{ ms: number; error?: string }> {
  const t0 = performance.now();
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, {
      signal: AbortSignal.timeout(HEALTH_DEADLINE_MS),
      headers: { connection: "close" },
    });
    await res.arrayBuffer();
    if (res.status !== 200) return { ms: Infinity, error: `HTTP ${res.status}` };
    return { ms: performance.now() - t0 };
  } catch (e) {
    return { ms: Infinity, error: String((e as Error).cause ?? (e as Error).message) };
  }
}

interface Flood {
  /** Resolves when every flood socket is closed (after FLOOD_SECONDS at the latest). */
  done: Promise<void>;
  stats: { connected: number; refused: number; closedByServer: number; bytesWritten: number };
  stop: () => void;
}

/** Opens CONNECTIONS sockets to 127.0.0.1:port, each writing ~1 MiB of pipelined requests and never reading. */
function startFlood(port: number): Flood {
  const request = Buffer.from("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "latin1");
  const payload = Buffer.alloc(Math.floor(BYTES_PER_CONNECTION / request.length) * request.length);
  for (let off = 0; off < payload.length; off += request.length) request.copy(payload, off);
  const stats = { connected: 0, refused: 0, closedByServer: 0, bytesWritten: 0 };
  const sockets = new Set<net.Socket>();
  let stopped = false;
  const closes: Promise<void>[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const socket = net.connect({ host: "127.0.0.1", port });
    sockets.add(socket);
    socket.pause(); // never read: the answers pile up
    closes.push(
      new Promise((resolve) => {
        socket.once("connect", () => {
          stats.connected++;
          socket.write(payload, () => (stats.bytesWritten += payload.length));
        });
        socket.on("error", (e: NodeJS.ErrnoException) => {
          if (e.code === "ECONNREFUSED") stats.refused++;
        });
        socket.once("close", () => {
          if (!stopped) stats.closedByServer++;
          sockets.delete(socket);
          resolve();
        });
      }),
    );
  }
  const stop = () => {
    stopped = true;
    for (const s of sockets) s.destroy();
  };
  const timer = setTimeout(stop, FLOOD_SECONDS * 1000);
  const done = Promise.all(closes).then(() => clearTimeout(timer));
  return { done, stats, stop };
}

function kib(value: string | undefined): number {
  return Number(value?.replace(/\s*kB$/, "") ?? NaN) * 1024;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

const fmt = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(0)} ms` : "fail");

describe(`the app image under a flood of ${CONNECTIONS} connections x 1 MiB unread pipelined requests (127.0.0.1 only)`, () => {
  const live = new Set<string>();

  before(async () => {
    requireTools(["podman", "buildah"]);
    if (!process.env.BERTH_FLOOD_IMAGE) await buildImage();
  });

  after(async () => {
    await Promise.all([...live].map((n) => removeContainer(n)));
  });

  for (const memory of ["512m", "64m"]) {
    test(`at --memory ${memory}: stays up, /health within 1 s during and after, peak RSS < min(${RSS_BOUND_FRACTION * 100} % of the limit, ${RSS_BOUND_MIB} MiB), SIGTERM exits 0 within the shutdown timeout`, async (t) => {
      const limit = Number(memory.slice(0, -1)) * MiB;
      const name = `berth-test-flood-${memory}-${suffix}`;
      live.add(name);
      const { port } = await startContainer(name, IMAGE, floodRunArgs(memory));
      await waitForHttp200(`http://127.0.0.1:${port}/health`, 60_000);
      const { State } = await inspectContainer(name);
      const pids = await containerHostPids(name);
      const appPid = pids.find((p) => p !== State.Pid && Number(procStatus(p).PPid) === State.Pid) ?? State.Pid;
      const idleRss = kib(procStatus(appPid).VmRSS);

      const flood = startFlood(port);
      const during: number[] = [];
      const errors: string[] = [];
      let peakRss = idleRss;
      const floodEnd = performance.now() + FLOOD_SECONDS * 1000;
      let running = true;
      while (performance.now() < floodEnd - 500) {
        const probe = await probeHealth(port);
        during.push(probe.ms);
        if (probe.error) errors.push(probe.error);
        try {
          peakRss = Math.max(peakRss, kib(procStatus(appPid).VmHWM));
        } catch {
          running = false; // the process is gone
          break;
        }
        await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
      }

      flood.stop();
      await flood.done;
      // After the flood: answers within 1 s again right away.
      const afterProbes: number[] = [];
      for (let i = 0; i < 8; i++) {
        const probe = await probeHealth(port);
        afterProbes.push(probe.ms);
        if (probe.error) errors.push(`after: ${probe.error}`);
        await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
      }
      const rssAfter = running ? kib(procStatus(appPid).VmRSS) : NaN;

      // SIGTERM while a second flood is connected: the stalled connections must not hold the process.
      const second = startFlood(port);
      await new Promise((r) => setTimeout(r, 3_000));
      const stopStarted = performance.now();
      await podman(["stop", "-t", "30", name], { allowFail: true, timeoutMs: 60_000 });
      const stopSeconds = (performance.now() - stopStarted) / 1000;
      second.stop();
      await second.done;
      const final = await inspectContainer(name);
      const logs = await containerLogs(name);

      const summary =
        `${memory}: flood connected ${flood.stats.connected}/${CONNECTIONS} (refused ${flood.stats.refused}, closed by server ` +
        `${flood.stats.closedByServer}); RSS idle ${(idleRss / MiB).toFixed(1)} MiB, peak ${(peakRss / MiB).toFixed(1)} MiB; ` +
        `/health during: ${during.length} probes, p50 ${fmt(percentile(during, 50))}, p90 ${fmt(percentile(during, 90))}, ` +
        `max ${fmt(Math.max(...during))}, failed ${during.filter((x) => !Number.isFinite(x)).length}; after: max ` +
        `${fmt(Math.max(...afterProbes))}, RSS ${(rssAfter / MiB).toFixed(1)} MiB; ` +
        `SIGTERM -> exit ${final.State.ExitCode} in ${stopSeconds.toFixed(1)} s; OOMKilled ${final.State.OOMKilled}`;
      t.diagnostic(summary);
      process.stderr.write(`flood: ${summary}\n`);

      assert.ok(running && !final.State.OOMKilled, `the process stayed up under the flood\n${summary}\n${logs}`);
      assert.ok(flood.stats.connected >= CONNECTIONS * 0.9, `the flood really connected\n${summary}`);
      assert.deepEqual(
        during.filter((ms) => !(ms <= HEALTH_DEADLINE_MS)),
        [],
        `/health answered 200 within ${HEALTH_DEADLINE_MS} ms on every probe during the flood (${[...new Set(errors)].join("; ")})\n${summary}`,
      );
      assert.deepEqual(
        afterProbes.filter((ms) => !(ms <= HEALTH_DEADLINE_MS)),
        [],
        `/health within ${HEALTH_DEADLINE_MS} ms after the flood\n${summary}`,
      );
      const bound = Math.min(limit * RSS_BOUND_FRACTION, RSS_BOUND_MIB * MiB);
      assert.ok(
        peakRss < bound,
        `peak RSS ${(peakRss / MiB).toFixed(1)} MiB < ${(bound / MiB).toFixed(1)} MiB\n${summary}`,
      );
      assert.match(
        logs,
        /Shutdown timeout of \d+ s reached: \d+ in-flight requests were cut|"Message":"Application is shutting down/,
        `the stop is logged\n${summary}`,
      );
      assert.equal(
        final.State.ExitCode,
        0,
        `SIGTERM ended the app with exit code 0 (137 = killed after podman's stop timeout)\n${summary}\n${logs}`,
      );
      assert.ok(
        stopSeconds <= SHUTDOWN_TIMEOUT_S + 3,
        `exited within the ${SHUTDOWN_TIMEOUT_S} s shutdown timeout (+3 s)\n${summary}`,
      );
    });
  }
});
