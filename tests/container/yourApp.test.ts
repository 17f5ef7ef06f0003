// examples/your-app: another app than the sample (Python, standard library only), built from ITS OWN Dockerfile and
// context with buildah, on a stand-in of its base image made from Debian's python3.11 packages and imported under
// the official name (scripts/containers/standin-images.sh python), so the Dockerfile is the one users build. Run as
// the ECS task Fargate would run it for examples/your-app/stack.yaml over the sample staging stack
// (offline/hardenedRunArgs.ts: the spec rendered for podman, with Fargate's task volume for /tmp): read-only root,
// uid 10001, every capability dropped, its own health command. Checked from the outside: /healthz answers 200 on
// loopback, the app's health command passes, and the kernel's view of the process (uid, capabilities, read-only root).
//
// Needs root, podman, buildah, apt-get/dpkg-deb (for the stand-in, about 7 s once), and well under a minute once the
// stand-in exists. Missing tools FAIL the suite. Run: node --import tsx --test tests/container/yourApp.test.ts
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync, unlinkSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  exampleServiceSpec,
  fargateRunArgs,
  fargateVolumes,
  type FargateVolume,
} from "../../offline/hardenedRunArgs.js";
import {
  buildImage,
  containerLogs,
  containersEnv,
  inspectContainer,
  inspectImage,
  podman,
  procStatus,
  removeContainer,
  requireTools,
  startContainer,
  waitForHttp200,
  waitHealthy,
  type ImageConfig,
} from "../../offline/podman.js";
import type { ContainerSpec } from "../../infra/container/containerSpec";

const EXAMPLE = "your-app";
const TAG = `localhost/berth-your-app-test:${process.pid}`;
const NAME = `berth-your-app-${process.pid}-${randomBytes(3).toString("hex")}`;

let spec: ContainerSpec;
let image: ImageConfig;
let volumes: FargateVolume[] = [];
let port = 0;
let pid = 0;

describe("examples/your-app: its own image, run as ECS would run it", { timeout: 5 * 60_000 }, () => {
  before(async () => {
    if (process.getuid?.() !== 0) throw new Error("the container tests run as root (as CI does)");
    requireTools(["podman", "buildah", "skopeo", "apt-get", "dpkg-deb", "runc"]);
    spec = exampleServiceSpec(EXAMPLE, "your-app");
    // The example's berth:build, as the stack would build it: its Dockerfile, its folder as the context.
    await buildImage(
      ["-f", `examples/${EXAMPLE}/Dockerfile`, "--context", `examples/${EXAMPLE}`, "-t", TAG, "--standins", "python"],
      { env: { GIT_SHA: "0".repeat(40), SOURCE_DATE_EPOCH: "0" } },
    );
    image = await inspectImage(TAG);
    const scratchDir = path.join(containersEnv().BERTH_CONTAINERS_DIR!, "tmp", "fargate-volumes");
    mkdirSync(scratchDir, { recursive: true });
    volumes = fargateVolumes(spec, image.Volumes, {
      scratchDir,
      namePrefix: `${NAME}-v`,
      removeVolume: async (v) => void (await podman(["volume", "rm", "-f", v], { allowFail: true })),
    });
    const started = await startContainer(NAME, TAG, fargateRunArgs(spec, volumes), spec.port);
    port = started.port;
    pid = (await inspectContainer(NAME)).State.Pid;
  });

  after(async () => {
    await removeContainer(NAME);
    for (const v of volumes) await v.remove();
    await podman(["rmi", "-f", TAG], { allowFail: true });
  });

  test("the stack's settings are the example's: port 3000, its own health command, the hardening on", () => {
    assert.equal(spec.port, 3000);
    assert.deepEqual(spec.healthCheck.command, ["python3", "/app/healthcheck.py"]);
    assert.equal(spec.readonlyRootFilesystem, true);
    assert.deepEqual(spec.capabilitiesDrop, ["ALL"]);
    assert.match(spec.user ?? "", /^[1-9]\d*:[1-9]\d*$/);
  });

  test("GET /healthz answers 200 on the loopback port of the container's port", async () => {
    try {
      await waitForHttp200(`http://127.0.0.1:${port}/healthz`, 20_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}\ncontainer logs:\n${await containerLogs(NAME)}`, { cause: e });
    }
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.deepEqual(await res.json(), { status: "ok" });
    assert.equal((await fetch(`http://127.0.0.1:${port}/nope`)).status, 404);
  });

  test("the app's own health command passes inside the hardened container (as ECS runs it)", async () => {
    const own = await podman(["exec", NAME, ...spec.healthCheck.command], { allowFail: true, timeoutMs: 15_000 });
    assert.equal(own.code, 0, `${JSON.stringify(spec.healthCheck.command)}: ${own.stderr.trim()}`);
    await waitHealthy(NAME, 20_000);
    // The image declares the same check for runtimes that take the image's HEALTHCHECK.
    assert.deepEqual(image.Healthcheck?.Test, ["CMD", ...spec.healthCheck.command]);
  });

  test("the kernel's view: the task's uid, no capabilities, a read-only root; /tmp is writable by that uid", async () => {
    const [uid] = spec.user!.split(":");
    const status = procStatus(pid);
    assert.equal(status.Uid.split(/\s+/)[0], uid, `Uid ${status.Uid}`);
    const server = (await podman(["top", NAME, "hpid", "args"])).stdout
      .split("\n")
      .find((l) => l.includes("/app/server.py"));
    assert.ok(server, "the app process runs");
    const serverPid = Number(server!.trim().split(/\s+/)[0]);
    assert.equal(procStatus(serverPid).CapEff, "0000000000000000");
    assert.equal(procStatus(serverPid).Uid.split(/\s+/)[0], uid);
    // Writing the root filesystem through the container's root: refused (read-only), while /tmp takes it.
    const rootFile = path.join(`/proc/${serverPid}/root`, "app", "written");
    assert.throws(() => writeFileSync(rootFile, "x"), /EROFS/);
    const write = await podman(
      ["exec", NAME, "python3", "-c", "open('/tmp/probe','w').write('ok'); print(open('/tmp/probe').read())"],
      { allowFail: true },
    );
    assert.equal(write.stdout.trim(), "ok", write.stderr);
    try {
      unlinkSync(path.join(`/proc/${serverPid}/root`, "tmp", "probe"));
    } catch {
      /* already gone */
    }
  });
});
