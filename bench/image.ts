// Benchmark (NOT a test): the Native AOT image (root Dockerfile) vs a framework-dependent JIT image of the same app
// (bench/Dockerfile.jit), both run with the hardened flags of tests/container/hardenedRunArgs.ts, limits set to
// 64 MiB / 0.5 CPU (BENCH_MEMORY, BENCH_CPUS) for both.
// Prints per image: size, `podman run` -> first HTTP 200 on /health (median of N), RSS after 1,000 requests,
// requests/s on /health for 10 s with wrk, and AOT/JIT ratios. Loopback only; every loop is bounded.
// Run: bench/image.sh   (env: BENCH_MEMORY=64m, BENCH_CPUS=0.5, BENCH_STARTS=5, BENCH_WRK_SECONDS=10, BENCH_WRK_CONNECTIONS=32, BENCH_SKIP_BUILD=1)
import { execFile } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { hardenedRunArgs } from "../tests/container/hardenedRunArgs.js";
import {
  cgroupDirs,
  containerHostPids,
  containersEnv,
  inspectContainer,
  inspectImage,
  procStatus,
  removeContainer,
  repoRoot,
  requireTools,
  run,
  startContainer,
  waitForHttp200,
} from "../tests/container/podman.js";

const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const WRK_SECONDS = Number(process.env.BENCH_WRK_SECONDS ?? 10);
const WRK_CONNECTIONS = Number(process.env.BENCH_WRK_CONNECTIONS ?? 32);
const REQUESTS = 1_000;
const BENCH_MEMORY = process.env.BENCH_MEMORY ?? "64m";
const BENCH_CPUS = process.env.BENCH_CPUS ?? "0.5";

/** The hardened run flags, with the memory/CPU limits set to the benchmark's (same for both images) and no
 *  restart policy (a crash must show, not be hidden by a restart). */
function benchRunArgs(): string[] {
  const set: Record<string, string | null> = {
    "--memory": BENCH_MEMORY,
    "--memory-swap": BENCH_MEMORY,
    "--cpus": BENCH_CPUS,
    "--memory-reservation": null,
    "--restart": null,
  };
  const out: string[] = [];
  const args = hardenedRunArgs();
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    if (flag in set) {
      if (inline === undefined) i++; // skip the separate value
      continue;
    }
    out.push(args[i]!);
  }
  for (const [flag, value] of Object.entries(set)) if (value !== null) out.push(flag, value);
  return out;
}
const suffix = `${process.pid}`;

interface Variant {
  key: "aot" | "jit";
  title: string;
  dockerfile: string;
  tag: string;
  standins: string;
}
const variants: Variant[] = [
  { key: "aot", title: "Native AOT (runtime-deps chiseled)", dockerfile: "Dockerfile", tag: "localhost/berth-bench:aot", standins: "runtime-deps sdk" },
  { key: "jit", title: "JIT framework-dependent (aspnet)", dockerfile: "bench/Dockerfile.jit", tag: "localhost/berth-bench:jit", standins: "sdk aspnet" },
];

interface Result {
  sizeMB: number;
  startMs: number[];
  rssMiB: number;
  anonMiB: number;
  cgroupMiB: number | undefined;
  rps: number;
  p99: string;
  buildMs: number;
}

const live = new Set<string>();
async function cleanup(): Promise<void> {
  await Promise.all([...live].map((n) => removeContainer(n)));
  live.clear();
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => void cleanup().finally(() => process.exit(130)));
}

function log(msg: string): void {
  process.stderr.write(`bench: ${msg}\n`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function buildImage(v: Variant, gitSha: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      path.join(repoRoot, "scripts/containers/build-image.sh"),
      ["-f", v.dockerfile, "-t", v.tag, "--standins", v.standins],
      { cwd: repoRoot, env: { ...containersEnv(), GIT_SHA: gitSha, VERSION: "0.0.0-bench" }, maxBuffer: 256 << 20, timeout: 20 * 60_000 },
      (err, _out, stderr) => {
        if (err) reject(new Error(`build of ${v.dockerfile} failed:\n${stderr.split("\n").slice(-40).join("\n")}`));
        else {
          for (const l of stderr.split("\n")) if (/^(build-image|standin-images):/.test(l)) log(l);
          resolve(performance.now() - t0);
        }
      },
    );
  });
}

/** cgroup memory in use (v2 memory.current, or v1 memory.usage_in_bytes), MiB. */
function cgroupMemoryMiB(pid: number): number | undefined {
  const cg = cgroupDirs(pid);
  for (const f of [cg.v2 && path.join(cg.v2, "memory.current"), cg.v1.memory && path.join(cg.v1.memory, "memory.usage_in_bytes")]) {
    if (f && existsSync(f)) return Number(readFileSync(f, "utf8").trim()) / (1 << 20);
  }
  return undefined;
}

async function fireRequests(port: number, total: number, concurrency = 8): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(10_000) });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`/health -> ${res.status}`);
      }
    }),
  );
}

async function wrk(port: number): Promise<{ rps: number; p99: string }> {
  const { stdout } = await run(
    "wrk",
    ["-t", "2", "-c", String(WRK_CONNECTIONS), "-d", `${WRK_SECONDS}s`, "--latency", "--timeout", "5s", `http://127.0.0.1:${port}/health`],
    { timeoutMs: (WRK_SECONDS + 30) * 1000 },
  );
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const p99 = /^\s+99%\s+(\S+)/m.exec(stdout)?.[1] ?? "?";
  if (!Number.isFinite(rps)) throw new Error(`cannot parse wrk output:\n${stdout}`);
  if (/Non-2xx or 3xx responses/.test(stdout)) throw new Error(`wrk saw errors:\n${stdout}`);
  return { rps, p99 };
}

async function measure(v: Variant, buildMs: number): Promise<Result> {
  const img = await inspectImage(v.tag);
  const startMs: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const name = `berth-bench-${v.key}-${suffix}-${i}`;
    live.add(name);
    const t0 = performance.now();
    const c = await startContainer(name, v.tag, benchRunArgs());
    await waitForHttp200(`http://127.0.0.1:${c.port}/health`, 60_000, 5);
    startMs.push(performance.now() - t0);
    await removeContainer(name);
    live.delete(name);
  }
  const name = `berth-bench-${v.key}-${suffix}-load`;
  live.add(name);
  try {
    const c = await startContainer(name, v.tag, benchRunArgs());
    await waitForHttp200(`http://127.0.0.1:${c.port}/health`, 60_000);
    const { State } = await inspectContainer(name);
    await fireRequests(c.port, REQUESTS);
    // With --init the container's main process is the init; the app is its child.
    const pids = await containerHostPids(name);
    const appPid = pids.find((p) => p !== State.Pid && Number(procStatus(p).PPid) === State.Pid) ?? State.Pid;
    const status = procStatus(appPid);
    const kib = (v: string | undefined) => Number(v?.replace(/\s*kB$/, "")) / 1024;
    const rssMiB = kib(status.VmRSS);
    const anonMiB = kib(status.RssAnon);
    const cgroupMiB = cgroupMemoryMiB(State.Pid);
    const w = await wrk(c.port);
    const after = await inspectContainer(name);
    if (!after.State.Running || after.State.OOMKilled) throw new Error(`${v.key}: container died under load (OOMKilled=${after.State.OOMKilled})`);
    return { sizeMB: img.Size / 1e6, startMs, rssMiB, anonMiB, cgroupMiB, rps: w.rps, p99: w.p99, buildMs };
  } finally {
    await removeContainer(name);
    live.delete(name);
  }
}

async function main(): Promise<void> {
  requireTools(["podman", "buildah", "wrk"]);
  const gitSha = (await run("git", ["rev-parse", "HEAD"], { allowFail: true })).stdout.trim() || "0".repeat(40);
  const results: Partial<Record<Variant["key"], Result>> = {};
  for (const v of variants) {
    let buildMs = 0;
    if (process.env.BENCH_SKIP_BUILD !== "1") {
      log(`building ${v.tag} from ${v.dockerfile}`);
      buildMs = await buildImage(v, gitSha);
    }
    log(`measuring ${v.tag}: ${STARTS} starts, ${REQUESTS} requests, wrk ${WRK_SECONDS} s x ${WRK_CONNECTIONS} connections`);
    results[v.key] = await measure(v, buildMs);
  }
  const a = results.aot!;
  const j = results.jit!;
  const fmt = (n: number | undefined, d = 1) => (n === undefined || !Number.isFinite(n) ? "n/a" : n.toFixed(d));
  const ratio = (x: number | undefined, y: number | undefined) => (x === undefined || y === undefined || y === 0 ? "n/a" : `${(x / y).toFixed(2)}x`);
  const rows: [string, string, string, string][] = [
    ["image size (MB)", fmt(a.sizeMB), fmt(j.sizeMB), ratio(a.sizeMB, j.sizeMB)],
    [`run -> first 200 /health (ms, median of ${STARTS})`, fmt(median(a.startMs), 0), fmt(median(j.startMs), 0), ratio(median(a.startMs), median(j.startMs))],
    ["  all starts (ms)", a.startMs.map((x) => x.toFixed(0)).join(" "), j.startMs.map((x) => x.toFixed(0)).join(" "), ""],
    [`VmRSS after ${REQUESTS} requests (MiB)`, fmt(a.rssMiB), fmt(j.rssMiB), ratio(a.rssMiB, j.rssMiB)],
    ["  of which RssAnon (heap etc., MiB)", fmt(a.anonMiB), fmt(j.anonMiB), ratio(a.anonMiB, j.anonMiB)],
    ["cgroup memory charged (MiB)", fmt(a.cgroupMiB), fmt(j.cgroupMiB), ratio(a.cgroupMiB, j.cgroupMiB)],
    [`wrk /health req/s (${WRK_SECONDS} s, ${WRK_CONNECTIONS} conn)`, fmt(a.rps, 0), fmt(j.rps, 0), ratio(a.rps, j.rps)],
    ["wrk p99 latency", a.p99, j.p99, ""],
    ["image build (s, this run)", fmt(a.buildMs / 1000), fmt(j.buildMs / 1000), ""],
  ];
  const head: [string, string, string, string] = ["metric", "AOT", "JIT", "AOT/JIT"];
  const w = [0, 1, 2, 3].map((i) => Math.max(...[head, ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(" | ")} |`;
  console.log(`Berth image benchmark — ${new Date().toISOString()} — git ${gitSha.slice(0, 12)}`);
  console.log(`run flags (both): hardenedRunArgs() with --memory ${BENCH_MEMORY} --memory-swap ${BENCH_MEMORY} --cpus ${BENCH_CPUS}, no restart policy:`);
  console.log(`  ${benchRunArgs().join(" ")}`);
  console.log(`AOT: ${variants[0]!.title}; JIT: ${variants[1]!.title}. Base images are local stand-ins when no registry is reachable.`);
  console.log(line(head));
  console.log(`|${w.map((n) => "-".repeat(n + 2)).join("|")}|`);
  for (const r of rows) console.log(line(r));
}

main()
  .catch(async (e) => {
    console.error(`bench: FAILED: ${(e as Error).message}`);
    process.exitCode = 1;
  })
  .finally(cleanup);
