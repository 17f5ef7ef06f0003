// A small typed wrapper around podman/buildah/skopeo for the container tests and the benchmark.
// Every call runs with the PRIVATE container storage/config of scripts/containers/env.sh (CONTAINERS_CONF,
// CONTAINERS_STORAGE_CONF): the environment is taken from that script itself, so there is one definition.
import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

export const repoRoot = path.resolve(__dirname, "..");

let cachedEnv: NodeJS.ProcessEnv | undefined;

/** process.env plus what `. scripts/containers/env.sh` exports (it also writes the private configs). */
export function containersEnv(): NodeJS.ProcessEnv {
  if (cachedEnv) return cachedEnv;
  const script = path.join(repoRoot, "scripts/containers/env.sh");
  const out = execFileSync("bash", ["-c", `. "$1" >&2 && env -0`, "bash", script], {
    encoding: "utf8",
    env: process.env,
  });
  const env: NodeJS.ProcessEnv = {};
  for (const entry of out.split("\0")) {
    const i = entry.indexOf("=");
    if (i > 0) env[entry.slice(0, i)] = entry.slice(i + 1);
  }
  for (const key of ["CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF", "BERTH_CONTAINERS_DIR"]) {
    if (!env[key]) throw new Error(`scripts/containers/env.sh did not export ${key}`);
  }
  cachedEnv = env;
  return env;
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  /** Resolve with the non-zero exit code instead of throwing. */
  allowFail?: boolean;
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs a command with the private containers environment. Throws (with stderr) on failure unless allowFail. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args as string[],
      {
        env: { ...containersEnv(), ...opts.env },
        cwd: opts.cwd ?? repoRoot,
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: "utf8",
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        const result = { code, stdout, stderr };
        if (err && !opts.allowFail) {
          reject(
            new Error(
              `${cmd} ${args.join(" ")} failed (${err.code ?? err.signal ?? err.message}):\n${stderr || stdout}`,
            ),
          );
        } else resolve(result);
      },
    );
  });
}

export const podman = (args: readonly string[], opts?: RunOptions) => run("podman", args, opts);
const skopeo = (args: readonly string[], opts?: RunOptions) => run("skopeo", args, opts);

/** Fails (never skips) with a clear message when a tool is missing. */
export function requireTools(tools: readonly string[]): void {
  const missing = tools.filter((t) => {
    try {
      execFileSync("bash", ["-c", `command -v "$1"`, "bash", t], { stdio: "ignore", env: process.env });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new Error(
      `container tests need ${missing.join(", ")} on PATH (Debian packages; scripts/bootstrap installs them). ` +
        `They are not skipped when tools are missing.`,
    );
  }
}

/** The image config as podman sees it (subset we use). */
export interface ImageConfig {
  User: string;
  Labels: Record<string, string>;
  Entrypoint: string[] | null;
  Healthcheck: { Test: string[]; Interval?: number; Timeout?: number; Retries?: number } | null;
  /** The paths the image declares with `VOLUME`. */
  Volumes: string[];
  Size: number;
}

export async function inspectImage(image: string): Promise<ImageConfig> {
  const { stdout } = await podman(["image", "inspect", image]);
  const [img] = JSON.parse(stdout) as Array<Record<string, any>>;
  if (!img) throw new Error(`podman image inspect ${image}: no result`);
  const cfg = (img.Config ?? {}) as Record<string, any>;
  return {
    User: cfg.User ?? "",
    Labels: (cfg.Labels ?? img.Labels ?? {}) as Record<string, string>,
    Entrypoint: cfg.Entrypoint ?? null,
    Healthcheck: (img.Healthcheck ?? img.HealthCheck ?? cfg.Healthcheck ?? null) as ImageConfig["Healthcheck"],
    Volumes: Object.keys((cfg.Volumes ?? {}) as Record<string, unknown>).sort(),
    Size: Number(img.Size ?? 0),
  };
}

/** The raw image config blob (Docker v1 config: what a registry serves and ECS/Docker read), via skopeo. */
interface RawImageConfig {
  architecture: string;
  os: string;
  config: {
    User?: string;
    Labels?: Record<string, string>;
    Entrypoint?: string[];
    Healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; Retries?: number };
  };
}

export async function rawImageConfig(image: string): Promise<RawImageConfig> {
  const ref = image.includes("/") ? image : `localhost/${image}`;
  const { stdout } = await skopeo(["inspect", "--config", "--raw", `containers-storage:${ref}`]);
  return JSON.parse(stdout) as RawImageConfig;
}

interface ContainerState {
  Running: boolean;
  OOMKilled: boolean;
  ExitCode: number;
  Pid: number;
  Status: string;
}

export async function inspectContainer(
  name: string,
): Promise<{ State: ContainerState; HostConfig: Record<string, any> }> {
  const { stdout } = await podman(["container", "inspect", name]);
  const [c] = JSON.parse(stdout) as Array<Record<string, any>>;
  if (!c) throw new Error(`podman container inspect ${name}: no result`);
  return { State: c.State as ContainerState, HostConfig: c.HostConfig as Record<string, any> };
}

/** Starts a detached container with the app's port published on 127.0.0.1 (random host port). */
export async function startContainer(
  name: string,
  image: string,
  runArgs: readonly string[],
  containerPort = 8080,
): Promise<{ name: string; port: number }> {
  await podman(["rm", "-f", "--ignore", name], { allowFail: true });
  await podman(["run", "-d", "--name", name, "-p", `127.0.0.1::${containerPort}`, ...runArgs, image], {
    timeoutMs: 60_000,
  });
  const { stdout } = await podman(["port", name, `${containerPort}/tcp`]);
  const m = /127\.0\.0\.1:(\d+)/.exec(stdout);
  if (!m) throw new Error(`podman port ${name}: no 127.0.0.1 binding in ${JSON.stringify(stdout)}`);
  return { name, port: Number(m[1]) };
}

export async function removeContainer(name: string): Promise<void> {
  await podman(["rm", "-f", "-t", "2", "--ignore", name], { allowFail: true, timeoutMs: 60_000 });
}

export async function containerLogs(name: string): Promise<string> {
  const r = await podman(["logs", "--tail", "50", name], { allowFail: true });
  return (r.stdout + r.stderr).trim();
}

/** Polls GET url until HTTP 200; returns elapsed ms. */
export async function waitForHttp200(url: string, timeoutMs = 30_000, intervalMs = 25): Promise<number> {
  const t0 = performance.now();
  let last = "";
  while (performance.now() - t0 < timeoutMs) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - t0;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String((e as Error).cause ?? e);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`${url} not 200 within ${timeoutMs} ms (last: ${last})`);
}

/** Polls `podman healthcheck run NAME` (periodic checks never fire without systemd) until healthy. */
export async function waitHealthy(name: string, timeoutMs = 30_000): Promise<{ ms: number; attempts: number }> {
  const t0 = performance.now();
  let attempts = 0;
  let last = "";
  while (performance.now() - t0 < timeoutMs) {
    attempts++;
    const r = await podman(["healthcheck", "run", name], { allowFail: true, timeoutMs: 15_000 });
    if (r.code === 0) return { ms: performance.now() - t0, attempts };
    last = `exit ${r.code}: ${(r.stdout + r.stderr).trim()}`;
    // podman exits 125 when the container has no health check at all: no point polling.
    if (/no defined healthcheck|has no healthcheck/i.test(last)) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`podman healthcheck run ${name}: not healthy within ${timeoutMs} ms (last: ${last})`);
}

// ---- what the kernel says about a process (read from the host) ------------------------------------------------

/** /proc/<pid>/status as key -> value. */
export function procStatus(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, "utf8").split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/** The cgroup directories of a process on the host: v2 unified path, and v1 per-controller paths. */
export function cgroupDirs(pid: number): { v2?: string; v1: Record<string, string> } {
  const v1: Record<string, string> = {};
  let v2: string | undefined;
  for (const line of readFileSync(`/proc/${pid}/cgroup`, "utf8").trim().split("\n")) {
    const [, controllers, p] = line.split(":", 3) as [string, string, string];
    if (controllers === "") v2 = path.join("/sys/fs/cgroup", p);
    else for (const c of controllers.split(",")) v1[c] = path.join("/sys/fs/cgroup", c.replace(/^name=/, ""), p);
  }
  return { v2, v1 };
}

/** All host PIDs in the container (podman top ... hpid). */
export async function containerHostPids(name: string): Promise<number[]> {
  const { stdout } = await podman(["top", name, "hpid"]);
  return stdout
    .split("\n")
    .slice(1)
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

interface BuildOptions {
  /** The build variables (GIT_SHA, VERSION, SOURCE_DATE_EPOCH, BERTH_SKIP_STANDINS, ...) over the containers env. */
  env?: NodeJS.ProcessEnv;
  /** The tree whose scripts/containers/build-image.sh builds, and the build's cwd (default: this repository). */
  tree?: string;
  /** Where the script's own summary lines (`build-image:`, `standin-images:`) go; default: stderr. */
  log?: (line: string) => void;
}

/**
 * Builds with scripts/containers/build-image.sh (buildah, the stand-in base images): the one way the container
 * tests and the benchmark build. Rejects with the last 60 lines of the build's log; passes on its summary lines.
 */
export function buildImage(args: readonly string[], opts: BuildOptions = {}): Promise<void> {
  const tree = opts.tree ?? repoRoot;
  const log = opts.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  return new Promise((resolve, reject) => {
    execFile(
      path.join(tree, "scripts/containers/build-image.sh"),
      args as string[],
      {
        cwd: tree,
        env: { ...containersEnv(), ...opts.env },
        maxBuffer: 256 * 1024 * 1024,
        timeout: 20 * 60_000,
      },
      (err, _stdout, stderr) => {
        if (err) {
          const tail = stderr.split("\n").slice(-60).join("\n");
          reject(new Error(`build-image.sh ${args.join(" ")} failed:\n${tail}`));
          return;
        }
        for (const line of stderr.split("\n")) if (/^(build-image|standin-images):/.test(line)) log(line);
        resolve();
      },
    );
  });
}
