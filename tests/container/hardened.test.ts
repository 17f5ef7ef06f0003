// The app image, built from the real root Dockerfile with buildah (on stand-in base images here), run HARDENED with
// the flags of hardenedRunArgs(), and checked from the outside: one test per hardening item, each written so that it
// fails when that item is removed. The tests assert what the kernel/podman report about the running container,
// never the flag strings, so hardenedRunArgs() may render its flags from anywhere (e.g. infra's container spec).
//
// Needs: root, podman, buildah, skopeo, the stand-in images (made on first run, ~50 s) and ~2 min for a cold AOT
// build. Missing tools FAIL the suite (never skip). Run: node --import tsx --test tests/container/*.test.ts
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statfsSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  fargateRunArgs,
  fargateVolumes,
  hardenedRunArgs,
  stagingWebSpec,
  type FargateVolume,
} from "../../offline/hardenedRunArgs.js";
import {
  buildImage as buildWith,
  cgroupDirs,
  containerHostPids,
  containerLogs,
  containersEnv,
  inspectContainer,
  inspectImage,
  podman,
  procStatus,
  rawImageConfig,
  removeContainer,
  repoRoot,
  requireTools,
  startContainer,
  waitForHttp200,
  waitHealthy,
  type ImageConfig,
} from "../../offline/podman.js";
import { TEST_BUILD_ENV, TEST_BUILD_TIME, TEST_SHA, TEST_SOURCE, TEST_VERSION } from "./testImage.js";

const IMAGE = `localhost/berth-test:${TEST_SHA.slice(0, 12)}`;
const suffix = `${process.pid}-${randomBytes(3).toString("hex")}`;
const HARDENED = `berth-test-hardened-${suffix}`;
const UNHARDENED = `berth-test-control-${suffix}`;
const FARGATE = `berth-test-fargate-${suffix}`;
/** Where the Fargate runs mount the in-container probe (a static busybox: the app image has no shell). */
const PROBE = "/berth-probe/busybox";
const MiB = 1024 * 1024;
// Ceilings for "tight" limits. The exact values come from the run flags (hardenedRunArgs(): the staging spec); the
// tests check that each limit is set, at most this, and what the kernel enforces.
const MAX_MEMORY = 1024 * MiB;
const MAX_NANO_CPUS = 1e9; // 1 CPU
const MAX_PIDS = 1024;
const MAX_TMP = 256 * MiB;

let image: ImageConfig;
let port = 0;
let pid = 0;

function buildImage(dockerfile = "Dockerfile", tag = IMAGE, extraEnv: NodeJS.ProcessEnv = {}): Promise<void> {
  return buildWith(["-f", dockerfile, "-t", tag], {
    env: { ...TEST_BUILD_ENV, ...extraEnv },
  });
}

/** Writes a file into the container's root filesystem from the host, through /proc/<pid>/root. */
function hostWrite(containerPid: number, pathInContainer: string): { ok: boolean; error?: string } {
  const target = path.join(`/proc/${containerPid}/root`, pathInContainer);
  try {
    writeFileSync(target, "berth write probe\n");
    unlinkSync(target);
    return { ok: true };
  } catch (e) {
    return { ok: false, error: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
}

function readCgroupFile(dir: string | undefined, file: string): string | undefined {
  if (!dir) return undefined;
  const p = path.join(dir, file);
  return existsSync(p) ? readFileSync(p, "utf8").trim() : undefined;
}

/** The result of running `busybox sh -c SCRIPT` inside a container as `user`. */
async function probe(container: string, user: string, script: string): Promise<{ code: number; out: string }> {
  const r = await podman(["exec", "--user", user, container, PROBE, "sh", "-c", script], {
    allowFail: true,
    timeoutMs: 30_000,
  });
  return { code: r.code, out: (r.stdout + r.stderr).trim() };
}

/** Writes, reads back and removes a file in `dir` inside the container, as `user`. */
function writeProbe(container: string, user: string, dir: string) {
  return probe(
    container,
    user,
    `echo berth > ${dir}/berth-probe-${suffix} && cat ${dir}/berth-probe-${suffix} && rm ${dir}/berth-probe-${suffix}`,
  );
}

/**
 * Runs `imageRef` as the ECS task Fargate would run for `spec` (fargateRunArgs: its task volumes instead of tmpfs),
 * with the probe bind-mounted read-only, waits for /health, calls `body`, and removes the container and volumes.
 */
async function underFargate(
  imageRef: string,
  spec: ReturnType<typeof stagingWebSpec>,
  body: (ctx: { name: string; volumes: FargateVolume[] }) => Promise<void>,
): Promise<void> {
  const imageVolumes = (await inspectImage(imageRef)).Volumes;
  const scratchDir = path.join(containersEnv().BERTH_CONTAINERS_DIR!, "tmp", "fargate-volumes");
  mkdirSync(scratchDir, { recursive: true });
  const volumes = fargateVolumes(spec, imageVolumes, {
    scratchDir,
    namePrefix: `${FARGATE}-v`,
    removeVolume: async (name) => void (await podman(["volume", "rm", "-f", name], { allowFail: true })),
  });
  const args = [...fargateRunArgs(spec, volumes), "--mount", `type=bind,src=/bin/busybox,dst=${PROBE},ro`];
  try {
    const c = await startContainer(FARGATE, imageRef, args);
    try {
      await waitForHttp200(`http://127.0.0.1:${c.port}/health`, 30_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}\ncontainer logs:\n${await containerLogs(FARGATE)}`, { cause: e });
    }
    await body({ name: FARGATE, volumes });
  } finally {
    await removeContainer(FARGATE);
    for (const v of volumes) await v.remove();
  }
}

describe("app image, run hardened", { timeout: 30 * 60_000 }, () => {
  before(async () => {
    if (process.getuid?.() !== 0) throw new Error("the container tests run as root (as CI does)");
    requireTools(["podman", "buildah", "skopeo", "mmdebstrap", "runc"]);
    // env.sh pins netavark (CNI once produced a second bridge and port timeouts); Debian ships it separately.
    if (!["/usr/lib/podman/netavark", "/usr/libexec/podman/netavark"].some((p) => existsSync(p))) {
      throw new Error("podman's netavark is missing: apt-get install netavark aardvark-dns (scripts/bootstrap)");
    }
    if (!existsSync(path.join(repoRoot, "Dockerfile"))) throw new Error("no root Dockerfile to build");
    if (!existsSync("/bin/busybox"))
      throw new Error("/bin/busybox (Debian busybox-static) is missing: scripts/bootstrap installs it");
    await buildImage();
    image = await inspectImage(IMAGE);
    const started = await startContainer(HARDENED, IMAGE, hardenedRunArgs());
    port = started.port;
    try {
      await waitForHttp200(`http://127.0.0.1:${port}/health`, 30_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}\ncontainer logs:\n${await containerLogs(HARDENED)}`, { cause: e });
    }
    pid = (await inspectContainer(HARDENED)).State.Pid;
    assert.ok(pid > 0, "container main process pid");
  });

  /** Host pid of the app binary (`berth`) inside the hardened container. */
  async function appPid(): Promise<number> {
    const found = (await containerHostPids(HARDENED)).filter((p) => procStatus(p).Name === "berth");
    assert.equal(found.length, 1, `one berth process in the container, found ${found.length}`);
    return found[0];
  }

  after(async () => {
    await removeContainer(HARDENED);
    await removeContainer(UNHARDENED);
    await removeContainer(FARGATE);
  });

  test("1. the image's own HEALTHCHECK command passes (podman healthcheck run)", async (t) => {
    // Read from the image config, not hard-coded: removing HEALTHCHECK (or building in OCI format, which drops it)
    // fails here, and so does a command that exits non-zero.
    const hc = image.Healthcheck;
    assert.ok(hc && Array.isArray(hc.Test) && hc.Test.length > 1, `image has a HEALTHCHECK: ${JSON.stringify(hc)}`);
    assert.equal(hc.Test[0], "CMD", `exec form (no shell in a chiseled image): ${JSON.stringify(hc.Test)}`);
    // The run flags may set their own health check (ECS' task definition does): run the IMAGE's command exactly,
    // inside the hardened container, and also poll podman's effective check.
    const own = await podman(["exec", HARDENED, ...hc.Test.slice(1)], { allowFail: true, timeoutMs: 15_000 });
    assert.equal(own.code, 0, `image health check ${JSON.stringify(hc.Test)} exit code (${own.stderr.trim()})`);
    const { ms, attempts } = await waitHealthy(HARDENED, 30_000);
    const state = await podman(["inspect", "--format", "{{.State.Health.Status}}", HARDENED]);
    assert.equal(state.stdout.trim(), "healthy");
    t.diagnostic(
      `health check ${JSON.stringify(hc.Test.slice(1))} healthy after ${Math.round(ms)} ms, ${attempts} run(s)`,
    );
  });

  test("2. GET /version returns the SHA (and version, build time) given to the build", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/version`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { sha?: string; version?: string; buildTime?: string };
    assert.equal(body.sha, TEST_SHA);
    assert.equal(body.version, TEST_VERSION);
    assert.equal(body.buildTime, TEST_BUILD_TIME);
  });

  test("3. every process in the container runs as a non-root uid/gid", async () => {
    const pids = await containerHostPids(HARDENED);
    assert.ok(pids.includes(pid), `main pid ${pid} among ${pids}`);
    for (const p of pids) {
      const s = procStatus(p);
      const uids = s.Uid!.split(/\s+/).map(Number); // real, effective, saved, fs
      const gids = s.Gid!.split(/\s+/).map(Number);
      assert.ok(
        uids.every((u) => u !== 0),
        `pid ${p} (${s.Name}) uids ${uids} must not be 0`,
      );
      assert.ok(
        gids.every((g) => g !== 0),
        `pid ${p} (${s.Name}) gids ${gids} must not be 0`,
      );
    }
  });

  test("3b. an init process is PID 1 and reaps for the app, which runs as its child (ECS initProcessEnabled)", async () => {
    // Without --init the app itself would be PID 1: no default signal handlers and nobody to reap zombies.
    const init = procStatus(pid);
    // podman bind-mounts catatonit as /run/podman-init (docker: docker-init, tini).
    assert.match(
      init.Name ?? "",
      /^(podman-init|catatonit|docker-init|tini)$/,
      `PID 1 of the container is ${init.Name}`,
    );
    const app = procStatus(await appPid());
    assert.equal(Number(app.PPid), pid, "the app is the init process's child");
  });

  test("4. the root filesystem is read-only, /tmp is a writable tmpfs", async () => {
    // Behavioural, from the host: as host root we write into the container's mount namespace through
    // /proc/<pid>/root. Host root bypasses file permissions, so the only thing that can refuse the write is the
    // read-only mount of the container's root (EROFS). Without --read-only the same write succeeds (see the
    // negative control below), so this check really depends on the flag. /tmp must stay writable (tmpfs).
    const inspect = await inspectContainer(HARDENED);
    assert.equal(inspect.HostConfig.ReadonlyRootfs, true, "HostConfig.ReadonlyRootfs");
    const root = hostWrite(pid, `/berth-probe-${suffix}`);
    assert.deepEqual(root, { ok: false, error: "EROFS" }, "write to / must fail with EROFS");
    const app = hostWrite(pid, `/app/berth-probe-${suffix}`);
    assert.equal(app.ok, false, "write to /app must fail");
    assert.deepEqual(hostWrite(pid, `/tmp/berth-probe-${suffix}`), { ok: true }, "write to /tmp must work");
    const mounts = readFileSync(`/proc/${pid}/mountinfo`, "utf8")
      .split("\n")
      .map((l) => l.split(" "));
    const rootMount = mounts.filter((f) => f[4] === "/").at(-1);
    assert.ok(rootMount && rootMount[5]!.split(",").includes("ro"), `root mount is ro: ${rootMount?.join(" ")}`);
    const tmpMount = mounts.filter((f) => f[4] === "/tmp").at(-1);
    const tmpType = tmpMount?.[tmpMount.indexOf("-") + 1];
    assert.equal(tmpType, "tmpfs", `/tmp is a tmpfs: ${tmpMount?.join(" ")}`);
    // ...a bounded one (a runaway writer fills its cap, not the host's memory; podman's implicit /tmp has no cap):
    // the kernel's size equals the size podman was asked for, and that is at most MAX_TMP.
    const st = statfsSync(`/proc/${pid}/root/tmp`);
    const tmpBytes = st.blocks * st.bsize;
    const askedTmp = /(?:^|,)size=(\d+)([kmg]?)(?:,|$)/i.exec(String(inspect.HostConfig.Tmpfs?.["/tmp"] ?? ""));
    assert.ok(askedTmp, `a size= for the /tmp tmpfs: ${JSON.stringify(inspect.HostConfig.Tmpfs)}`);
    const unit = { "": 1, k: 1024, m: MiB, g: 1024 * MiB }[askedTmp[2]!.toLowerCase() as "" | "k" | "m" | "g"];
    assert.equal(tmpBytes, Number(askedTmp[1]) * unit, "/tmp tmpfs size as requested");
    assert.ok(tmpBytes <= MAX_TMP, `/tmp tmpfs ${tmpBytes} bytes <= ${MAX_TMP}`);
    // No other writable scratch space: podman would otherwise add tmpfs on /run and /var/tmp.
    for (const dir of ["/run", "/var/tmp"]) {
      const w = hostWrite(pid, `${dir}/berth-probe-${suffix}`);
      assert.equal(w.ok, false, `write to ${dir} must fail (got ${JSON.stringify(w)})`);
    }
  });

  test("4b. negative control: without --read-only the same root write succeeds", async () => {
    // Same image, same flags minus --read-only: proves check 4 can fail (it is not passing for another reason).
    const args = hardenedRunArgs().filter((a) => a !== "--read-only" && a !== "--read-only=true");
    assert.equal(args.length, hardenedRunArgs().length - 1, "hardenedRunArgs() contains --read-only once");
    const c = await startContainer(UNHARDENED, IMAGE, args);
    try {
      await waitForHttp200(`http://127.0.0.1:${c.port}/health`, 30_000);
      const controlPid = (await inspectContainer(UNHARDENED)).State.Pid;
      assert.deepEqual(hostWrite(controlPid, `/berth-probe-${suffix}`), { ok: true });
    } finally {
      await removeContainer(UNHARDENED);
    }
  });

  test("5. no capabilities (effective, permitted, bounding, ambient) and no-new-privileges", async () => {
    // CapBnd matters: a non-root process has CapEff 0 anyway, but without --cap-drop ALL its bounding set still
    // holds podman's default capabilities.
    for (const p of await containerHostPids(HARDENED)) {
      const s = procStatus(p);
      for (const key of ["CapEff", "CapPrm", "CapInh", "CapBnd", "CapAmb"]) {
        if (s[key] === undefined) continue; // CapAmb is missing on very old kernels
        assert.equal(BigInt(`0x${s[key]}`), 0n, `pid ${p} ${key}=${s[key]}`);
      }
      assert.equal(s.NoNewPrivs, "1", `pid ${p} NoNewPrivs`);
    }
  });

  test("6. memory (no swap), CPU and pids limits are set, tight, and in the container's cgroup", async (t) => {
    // What podman recorded for the run (HostConfig: 0 when a limit is not given) must be set, within the ceilings
    // below, and be what the kernel enforces in the container's cgroup (v2 files, or v1 on this hybrid machine).
    const h = (await inspectContainer(HARDENED)).HostConfig as Record<string, number>;
    const memory = Number(h.Memory);
    const nanoCpus = Number(h.NanoCpus) || (Number(h.CpuQuota) * 1e9) / Number(h.CpuPeriod || 100_000);
    const pids = Number(h.PidsLimit);
    assert.ok(memory > 0 && memory <= MAX_MEMORY, `memory limit set and <= ${MAX_MEMORY / MiB} MiB: ${memory}`);
    assert.equal(Number(h.MemorySwap), memory, "memory+swap limit = memory limit (no swap)");
    assert.ok(
      nanoCpus > 0 && nanoCpus <= MAX_NANO_CPUS,
      `CPU limit set and <= ${MAX_NANO_CPUS / 1e9} CPU: ${nanoCpus}`,
    );
    assert.ok(pids > 0 && pids <= MAX_PIDS, `pids limit set and <= ${MAX_PIDS}: ${pids}`);

    const cg = cgroupDirs(pid);
    const v2 = cg.v2 && existsSync(path.join(cg.v2, "memory.max")) ? cg.v2 : undefined;
    let quota: number, period: number;
    if (v2) {
      assert.equal(readCgroupFile(v2, "memory.max"), String(memory), "memory.max");
      assert.equal(readCgroupFile(v2, "memory.swap.max"), "0", "memory.swap.max");
      [quota, period] = readCgroupFile(v2, "cpu.max")!.split(" ").map(Number) as [number, number];
      assert.equal(readCgroupFile(v2, "pids.max"), String(pids), "pids.max");
    } else {
      assert.equal(readCgroupFile(cg.v1.memory, "memory.limit_in_bytes"), String(memory), "memory.limit_in_bytes");
      const memsw = readCgroupFile(cg.v1.memory, "memory.memsw.limit_in_bytes"); // only with swap accounting on
      if (memsw !== undefined) assert.equal(memsw, String(memory), "memory.memsw.limit_in_bytes");
      quota = Number(readCgroupFile(cg.v1.cpu, "cpu.cfs_quota_us"));
      period = Number(readCgroupFile(cg.v1.cpu, "cpu.cfs_period_us"));
      assert.equal(readCgroupFile(cg.v1.pids, "pids.max"), String(pids), "pids.max");
    }
    assert.ok(quota > 0, `CFS quota set: ${quota}`);
    assert.equal(Math.round((quota / period) * 1e9), Math.round(nanoCpus), `CFS quota/period ${quota}/${period}`);
    t.diagnostic(`memory ${memory / MiB} MiB (no swap), CPU ${quota}/${period} = ${nanoCpus / 1e9}, pids ${pids}`);
  });

  test("7. 1,000 requests leave it running, not OOM-killed, within its memory limit", async (t) => {
    const total = 1_000;
    const concurrency = 8;
    const paths = ["/health", "/ready", "/version", "/"];
    let next = 0;
    const statuses = new Map<number, number>();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const i = next++;
          const res = await fetch(`http://127.0.0.1:${port}${paths[i % paths.length]}`, {
            signal: AbortSignal.timeout(10_000),
          });
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      }),
    );
    const ms = performance.now() - t0;
    assert.deepEqual([...statuses], [[200, total]], `all ${total} responses 200`);
    const { State } = await inspectContainer(HARDENED);
    assert.equal(State.Running, true, `still running (status ${State.Status})`);
    assert.equal(State.OOMKilled, false, "not OOM-killed");
    assert.equal(State.Pid, pid, "same main process (no restart)");
    const rssKiB = Number(procStatus(await appPid()).VmRSS?.replace(/\s*kB$/, ""));
    const limit = Number((await inspectContainer(HARDENED)).HostConfig.Memory);
    assert.ok(rssKiB > 0 && rssKiB * 1024 < limit, `VmRSS ${rssKiB} kB below the ${limit / MiB} MiB limit`);
    t.diagnostic(
      `${total} requests in ${Math.round(ms)} ms (${Math.round((total / ms) * 1000)} req/s), VmRSS ${(rssKiB / 1024).toFixed(1)} MiB`,
    );
  });

  test("8. image config: OCI labels, non-root user, health check", async () => {
    // The raw Docker image config (skopeo: what a registry serves and ECS reads), not podman's view of it.
    const raw = await rawImageConfig(IMAGE);
    const labels = raw.config.Labels ?? {};
    assert.equal(labels["org.opencontainers.image.revision"], TEST_SHA);
    assert.equal(labels["org.opencontainers.image.source"], TEST_SOURCE);
    assert.equal(labels["org.opencontainers.image.version"], TEST_VERSION);
    const user = (raw.config.User ?? "").split(":")[0] ?? "";
    assert.ok(
      user !== "" && user !== "0" && user !== "root",
      `image USER is non-root: ${JSON.stringify(raw.config.User)}`,
    );
    const hc = raw.config.Healthcheck;
    assert.ok(hc?.Test?.[0] === "CMD" && hc.Test.length > 1, `image HEALTHCHECK (exec form): ${JSON.stringify(hc)}`);
    assert.deepEqual(hc.Test, image.Healthcheck?.Test, "podman runs the same health check the image declares");
    assert.ok(raw.config.Entrypoint && raw.config.Entrypoint.length > 0, "image has an ENTRYPOINT");
    assert.equal(raw.architecture, "amd64");
  });
  // ---- the ECS rendering under FARGATE's volume semantics (not the friendlier local tmpfs) --------------------
  // Fargate backs each writable path with a bind-mount task volume: an empty root-owned 0755 directory, unless the
  // image declares VOLUME at that exact containerPath, in which case the image's directory (contents, owner, mode)
  // is copied in (AWS ECS developer guide, "Use bind mounts with Amazon ECS",
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html; aws/containers-roadmap#938).

  test("9. Fargate semantics: the task user writes /tmp (the image declares VOLUME /tmp, a world-writable sticky dir)", async (t) => {
    const spec = stagingWebSpec();
    assert.ok(spec.user && !spec.user.startsWith("0"), `the staging task runs as a non-root user: ${spec.user}`);
    await underFargate(IMAGE, spec, async ({ name, volumes }) => {
      const tmp = volumes.find((v) => v.containerPath === "/tmp");
      assert.ok(tmp, "/tmp is one of the task's writable paths");
      const st = await probe(name, spec.user!, "stat -c '%a %u:%g' /tmp");
      t.diagnostic(`/tmp backed by ${tmp.kind}: mode/owner ${st.out}`);
      const w = await writeProbe(name, spec.user!, "/tmp");
      assert.deepEqual(
        w,
        { code: 0, out: "berth" },
        `write to /tmp as the task user ${spec.user} (/tmp: ${tmp.kind}, ${st.out})`,
      );
    });
  });

  test("10. Fargate semantics with ECS Exec on: /tmp for the task user, the Exec agent paths for the agent (uid 0, no capabilities)", async (t) => {
    // The ECS agent starts the SSM agent in the container with `docker exec` as user "0" (amazon-ecs-agent,
    // agent/engine/execcmd/manager_start_linux.go: execAgentCmdUser = "0"; manager_start.go), inside the container's
    // capability set: with --cap-drop ALL root has no CAP_DAC_OVERRIDE, so it can write a volume only as its owner.
    // With readonlyRootFilesystem the agent needs these paths writable (aws/containers-roadmap#1359).
    // Where the agent writes, from the agents' sources (not from infra's list): its data store and its logs
    // (amazon-ssm-agent agent/appconfig/constants_unix.go: AgentData = "/var/lib/amazon/ssm/", DownloadRoot under
    // "/var/log/amazon/ssm/"; amazon-ecs-agent manager_init_task_linux.go: ContainerLogDir = "/var/log/amazon/ssm").
    const agentWrites = ["/var/lib/amazon/ssm", "/var/log/amazon/ssm"];
    const spec = stagingWebSpec({ enableExecuteCommand: true });
    const execPaths = spec.writablePaths.map((w) => w.path).filter((p) => p !== "/tmp");
    for (const p of agentWrites)
      assert.ok(execPaths.includes(p), `ECS Exec on: ${p} is a writable path (${execPaths.join(", ")})`);
    await underFargate(IMAGE, spec, async ({ name, volumes }) => {
      assert.deepEqual(await writeProbe(name, spec.user!, "/tmp"), { code: 0, out: "berth" }, "task user writes /tmp");
      const caps = await probe(name, "0", "grep CapEff /proc/self/status");
      assert.match(caps.out, /CapEff:\s+0+$/, `the agent's exec has no capabilities: ${caps.out}`);
      for (const p of execPaths) {
        const v = volumes.find((x) => x.containerPath === p)!;
        const w = await writeProbe(name, "0", p);
        assert.deepEqual(w, { code: 0, out: "berth" }, `the Exec agent (uid 0) writes ${p} (${v.kind})`);
      }
      t.diagnostic(
        `ECS Exec paths ${execPaths.join(", ")}: ${volumes
          .filter((v) => v.containerPath !== "/tmp")
          .map((v) => v.kind)
          .join(", ")}`,
      );
    });
  });

  test("11. negative controls: without VOLUME /tmp, or without mode 1777 on it, the task user cannot write /tmp on Fargate", async (t) => {
    // Two mutated Dockerfiles, built like the real one (their unchanged steps come from the layer cache), run the
    // same way as test 9: each must FAIL the write, so test 9 really depends on the VOLUME and on the mode.
    const dockerfile = readFileSync(path.join(repoRoot, "Dockerfile"), "utf8");
    const mutants: Array<{ key: string; what: string; from: RegExp }> = [
      { key: "novolume", what: "VOLUME /tmp removed", from: /^VOLUME \/tmp\n/m },
      { key: "nomode", what: "chmod 1777 of /tmp removed", from: / && chmod 1777 \/rootfs\/tmp/ },
    ];
    const dir = path.join(containersEnv().BERTH_CONTAINERS_DIR!, "tmp");
    for (const m of mutants) {
      assert.match(dockerfile, m.from, `the Dockerfile has the line this control removes (${m.what})`);
      const file = path.join(dir, `Dockerfile.${m.key}-${suffix}`);
      writeFileSync(file, dockerfile.replace(m.from, ""));
      const tag = `localhost/berth-test:${m.key}-${TEST_SHA.slice(0, 12)}`;
      try {
        await buildImage(file, tag, { BERTH_SKIP_STANDINS: "1" });
        const spec = stagingWebSpec();
        await underFargate(tag, spec, async ({ name }) => {
          const w = await writeProbe(name, spec.user!, "/tmp");
          assert.notEqual(w.code, 0, `${m.what}: the write to /tmp must fail (got ${JSON.stringify(w)})`);
          assert.match(w.out, /Permission denied/, `${m.what}: refused by permissions`);
          t.diagnostic(`${m.what}: ${w.out}`);
        });
      } finally {
        unlinkSync(file);
        await podman(["rmi", "-f", tag], { allowFail: true });
      }
    }
  });
});
