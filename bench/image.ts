// Benchmark (NOT a test): the Native AOT image BEFORE and AFTER a change, in one run. "before" is built from the base
// commit (BENCH_BASE, default ca42414: main before issue 14), extracted with `git archive` into a temporary folder and
// built there with that commit's own Dockerfile and scripts; "after" is the work tree. BENCH_JIT=1 adds the
// framework-dependent JIT image of the work tree (bench/Dockerfile.jit). All run with the hardened flags of
// offline/hardenedRunArgs.ts, limits set to 64 MiB / 0.5 CPU (BENCH_MEMORY, BENCH_CPUS) for each.
// Prints per image: image size, binary size, `podman run` -> first HTTP 200 on /health (median of N), RSS after 1,000
// requests, requests/s on /health for 10 s with wrk, and after/before ratios; a figure more than 10 % worse is marked.
// Loopback only; every loop is bounded.
// Run: bench/image.sh   (env: BENCH_BASE=ca42414, BENCH_MEMORY=64m, BENCH_CPUS=0.5, BENCH_STARTS=5, BENCH_WRK_SECONDS=10,
//                        BENCH_WRK_CONNECTIONS=32, BENCH_SKIP_BUILD=1, BENCH_JIT=1)
import { mkdtempSync, readFileSync, existsSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { hardenedRunArgs } from "../offline/hardenedRunArgs.js";
import {
  buildImage as buildWith,
  cgroupDirs,
  containerHostPids,
  inspectContainer,
  inspectImage,
  procStatus,
  removeContainer,
  repoRoot,
  requireTools,
  run,
  startContainer,
  waitForHttp200,
} from "../offline/podman.js";

const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const WRK_SECONDS = Number(process.env.BENCH_WRK_SECONDS ?? 10);
const WRK_CONNECTIONS = Number(process.env.BENCH_WRK_CONNECTIONS ?? 32);
const REQUESTS = 1_000;
const BENCH_MEMORY = process.env.BENCH_MEMORY ?? "64m";
const BENCH_CPUS = process.env.BENCH_CPUS ?? "0.5";
const BENCH_BASE = process.env.BENCH_BASE ?? "ca42414";

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
  key: "before" | "after" | "jit";
  title: string;
  dockerfile: string;
  tag: string;
  standins: string;
  /** Source tree to build from: a git commit (extracted to a temporary folder), or the work tree. */
  commit?: string;
}
const variants: Variant[] = [
  {
    key: "before",
    title: `Native AOT at ${BENCH_BASE}`,
    dockerfile: "Dockerfile",
    tag: "localhost/berth-bench:before",
    standins: "runtime-deps sdk",
    commit: BENCH_BASE,
  },
  {
    key: "after",
    title: "Native AOT, work tree",
    dockerfile: "Dockerfile",
    tag: "localhost/berth-bench:after",
    standins: "runtime-deps sdk",
  },
  ...(process.env.BENCH_JIT === "1"
    ? [
        {
          key: "jit",
          title: "JIT framework-dependent (aspnet), work tree",
          dockerfile: "bench/Dockerfile.jit",
          tag: "localhost/berth-bench:jit",
          standins: "sdk aspnet",
        } as Variant,
      ]
    : []),
];

interface Result {
  sizeMB: number;
  binaryMiB: number;
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

async function buildImage(v: Variant, gitSha: string): Promise<number> {
  let tree = repoRoot;
  let scratch: string | undefined;
  if (v.commit) {
    scratch = mkdtempSync(path.join(tmpdir(), "berth-bench-base-"));
    await run("bash", ["-c", `git -C "$1" archive "$2" | tar -x -C "$3"`, "bash", repoRoot, v.commit, scratch]);
    tree = scratch;
  }
  const t0 = performance.now();
  try {
    await buildWith(["-f", v.dockerfile, "-t", v.tag, "--standins", v.standins], {
      tree,
      env: { GIT_SHA: gitSha, VERSION: "0.0.0-bench" },
      log,
    });
    return performance.now() - t0;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

/** Size of /app/berth in the image (copied out of a created, never started, container). */
async function binaryMiB(tag: string): Promise<number> {
  const name = `berth-bench-binary-${suffix}`;
  const dir = mkdtempSync(path.join(tmpdir(), "berth-bench-bin-"));
  try {
    await run("podman", ["create", "--name", name, tag]);
    await run("podman", ["cp", `${name}:/app/berth`, path.join(dir, "berth")]);
    return statSync(path.join(dir, "berth")).size / (1 << 20);
  } finally {
    await removeContainer(name);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** cgroup memory in use (v2 memory.current, or v1 memory.usage_in_bytes), MiB. */
function cgroupMemoryMiB(pid: number): number | undefined {
  const cg = cgroupDirs(pid);
  for (const f of [
    cg.v2 && path.join(cg.v2, "memory.current"),
    cg.v1.memory && path.join(cg.v1.memory, "memory.usage_in_bytes"),
  ]) {
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
    [
      "-t",
      "2",
      "-c",
      String(WRK_CONNECTIONS),
      "-d",
      `${WRK_SECONDS}s`,
      "--latency",
      "--timeout",
      "5s",
      `http://127.0.0.1:${port}/health`,
    ],
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
    if (!after.State.Running || after.State.OOMKilled)
      throw new Error(`${v.key}: container died under load (OOMKilled=${after.State.OOMKilled})`);
    return {
      sizeMB: img.Size / 1e6,
      binaryMiB: await binaryMiB(v.tag),
      startMs,
      rssMiB,
      anonMiB,
      cgroupMiB,
      rps: w.rps,
      p99: w.p99,
      buildMs,
    };
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
    log(
      `measuring ${v.tag}: ${STARTS} starts, ${REQUESTS} requests, wrk ${WRK_SECONDS} s x ${WRK_CONNECTIONS} connections`,
    );
    results[v.key] = await measure(v, buildMs);
  }
  const cols = variants.map((v) => results[v.key]!);
  const [b, a] = [results.before!, results.after!];
  const fmt = (n: number | undefined, d = 1) => (n === undefined || !Number.isFinite(n) ? "n/a" : n.toFixed(d));
  /** after/before; "!" when after is more than 10 % worse (higherIsBetter for req/s). */
  const ratio = (x: number | undefined, y: number | undefined, higherIsBetter = false) => {
    if (x === undefined || y === undefined || y === 0 || !Number.isFinite(x) || !Number.isFinite(y)) return "n/a";
    const r = x / y;
    return `${r.toFixed(2)}x${(higherIsBetter ? r < 0.9 : r > 1.1) ? " !" : ""}`;
  };
  const row = (label: string, pick: (r: Result) => number | undefined, d = 1, higherIsBetter = false): string[] => [
    label,
    ...cols.map((r) => fmt(pick(r), d)),
    ratio(pick(a), pick(b), higherIsBetter),
  ];
  const rows: string[][] = [
    row("image size (MB)", (r) => r.sizeMB),
    row("binary /app/berth (MiB)", (r) => r.binaryMiB, 2),
    row(`run -> first 200 /health (ms, median of ${STARTS})`, (r) => median(r.startMs), 0),
    ["  all starts (ms)", ...cols.map((r) => r.startMs.map((x) => x.toFixed(0)).join(" ")), ""],
    row(`VmRSS after ${REQUESTS} requests (MiB)`, (r) => r.rssMiB),
    row("  of which RssAnon (heap etc., MiB)", (r) => r.anonMiB),
    row("cgroup memory charged (MiB)", (r) => r.cgroupMiB),
    row(`wrk /health req/s (${WRK_SECONDS} s, ${WRK_CONNECTIONS} conn)`, (r) => r.rps, 0, true),
    ["wrk p99 latency", ...cols.map((r) => r.p99), ""],
    ["image build (s, this run)", ...cols.map((r) => fmt(r.buildMs / 1000)), ""],
  ];
  const head = ["metric", ...variants.map((v) => v.key), "after/before"];
  const w = head.map((_, i) => Math.max(...[head, ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(" | ")} |`;
  console.log(
    `Berth image benchmark — ${new Date().toISOString()} — before ${BENCH_BASE}, after git ${gitSha.slice(0, 12)} (+ work tree)`,
  );
  console.log(
    `run flags (each): hardenedRunArgs() with --memory ${BENCH_MEMORY} --memory-swap ${BENCH_MEMORY} --cpus ${BENCH_CPUS}, no restart policy:`,
  );
  console.log(`  ${benchRunArgs().join(" ")}`);
  for (const v of variants) console.log(`${v.key}: ${v.title}.`);
  console.log(
    "Base images are local stand-ins when no registry is reachable. '!' = after is more than 10 % worse than before.",
  );
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
