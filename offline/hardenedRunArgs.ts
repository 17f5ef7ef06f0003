// The ONE place the container tests (and bench/) take their hardening flags from: the `podman run` flags that
// mirror how the app runs in staging/production (read-only root, non-root, tight memory/CPU/pids, no capabilities,
// no privilege escalation, bounded logs), rendered from infra's container spec by `renderRunArgs(spec)`.
//
// Two renderings of the writable paths (/tmp, and ECS Exec's agent paths when Exec is on):
// - hardenedRunArgs(): the LOCAL run (podman/docker/compose): a tmpfs per path, mode 1777.
// - fargateRunArgs(): the ECS task as FARGATE runs it. Each writable path is a bind-mount task volume
//   (infra/container/containerDefinition.ts: mountPoints + task `volumes` without `host`), and Fargate creates such a volume
//   as an EMPTY root-owned 0755 directory, unless the image declares `VOLUME` at exactly that containerPath, in
//   which case the image's directory (contents, owner, mode) is copied into it (AWS ECS developer guide, "Use bind
//   mounts with Amazon ECS", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html;
//   aws/containers-roadmap#938). Here: an empty root-owned 0755 host directory bind-mounted, or, for a declared
//   VOLUME, a fresh podman named volume, which podman initialises from the image's directory (copy-up: contents,
//   owner and mode, as Docker does). A tmpfs with mode 1777 would hide exactly what fails on Fargate.
//
// The tests assert the resulting PROPERTIES of the running container (uid, CapEff, cgroup limits, read-only root,
// who can write where...), never these strings. Not here on purpose: the container name and port publishing.
import { mkdirSync, mkdtempSync, chmodSync, chownSync, rmSync } from "node:fs";
import path from "node:path";
import { loadSettings } from "../infra/config";
import { containerSpecFor, type ContainerSpec } from "../infra/container/containerSpec";
import { renderRunArgs } from "../infra/local/localRun";
import * as fs from "node:fs";
import { parse as parseYaml } from "yaml";
import { readStackConfig, REPO_ROOT } from "./mockRuntime";
import { applyConfigOverride } from "./offlinePlan";

/** A fixed, clean git state: the specs do not depend on the work tree. */
const RENDER_GIT = () => ({ head: "0".repeat(40), tagsAtHead: [], dirty: false });

/**
 * The sample's stack files (the suite's fixtures): the container suite and the benchmark run the sample app (app/)
 * with the sample's settings, never with the user's committed Pulumi.<stack>.yaml.
 */
const SAMPLE_STACK_DIR = path.join(REPO_ROOT, "tests", "fixtures", "stacks");

/**
 * The sample staging stack's `web` container spec (its Pulumi.staging.yaml -> infra/container/containerSpec.ts). `enableExecuteCommand`
 * overrides the service's ECS Exec switch (the writable paths then include the Exec agent's paths).
 */
export function stagingWebSpec(opts: { enableExecuteCommand?: boolean } = {}): ContainerSpec {
  const settings = loadSettings(readStackConfig("staging", SAMPLE_STACK_DIR), { stack: "staging", git: RENDER_GIT });
  const web = settings.services.find((s) => s.name === "web");
  if (!web) throw new Error(`${SAMPLE_STACK_DIR}/Pulumi.staging.yaml declares no \`web\` service`);
  const service =
    opts.enableExecuteCommand === undefined ? web : { ...web, enableExecuteCommand: opts.enableExecuteCommand };
  return containerSpecFor(settings, service, "unused-image");
}

/**
 * The container spec of `service` in the sample staging stack with `examples/<example>/stack.yaml` applied key by
 * key, as `scripts/plan staging --config examples/<example>/stack.yaml` applies it: what ECS would run for an example.
 */
export function exampleServiceSpec(example: string, serviceName: string, image = "unused-image"): ContainerSpec {
  const file = path.join(REPO_ROOT, "examples", example, "stack.yaml");
  const doc = parseYaml(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  let config = readStackConfig("staging", SAMPLE_STACK_DIR);
  for (const [key, value] of Object.entries(doc.config)) config = applyConfigOverride(config, key, value);
  const settings = loadSettings(config, { stack: "staging", git: RENDER_GIT });
  const service = settings.services.find((s) => s.name === serviceName);
  if (!service) throw new Error(`${file} declares no \`${serviceName}\` service`);
  return containerSpecFor(settings, service, image);
}

export function hardenedRunArgs(): string[] {
  // podman flavour, without port publishing (the tests bind 127.0.0.1 themselves): the same read-only root, /tmp,
  // user, memory/CPU/pids limits, capabilities, init process, health check and stop timeout ECS runs (`--init`
  // needs podman's catatonit, which scripts/bootstrap installs; ECS' equivalent is initProcessEnabled: true).
  return renderRunArgs(stagingWebSpec(), { flavour: "podman" });
}

/** What backs one writable path of a Fargate run, and how to remove it afterwards. */
export interface FargateVolume {
  containerPath: string;
  kind: "image-volume-copy" | "empty-root-0755";
  /** The `--mount` value. */
  mount: string;
  remove: () => Promise<void>;
}

/**
 * The task volumes Fargate would give `spec`'s writable paths for an image declaring `imageVolumes` (the image
 * config's `Volumes` keys). `scratchDir` holds the empty directories; `removeVolume` removes a named volume.
 */
export function fargateVolumes(
  spec: ContainerSpec,
  imageVolumes: readonly string[],
  opts: { scratchDir: string; namePrefix: string; removeVolume: (name: string) => Promise<void> },
): FargateVolume[] {
  return spec.writablePaths.map((w, i) => {
    if (imageVolumes.includes(w.path)) {
      // A fresh (new, empty) named volume: podman copies the image's directory into it on first mount.
      const name = `${opts.namePrefix}-${i}`;
      return {
        containerPath: w.path,
        kind: "image-volume-copy",
        mount: `type=volume,src=${name},dst=${w.path}`,
        remove: () => opts.removeVolume(name),
      };
    }
    mkdirSync(opts.scratchDir, { recursive: true });
    const dir = mkdtempSync(path.join(opts.scratchDir, `${opts.namePrefix}-${i}-`));
    chownSync(dir, 0, 0);
    chmodSync(dir, 0o755);
    return {
      containerPath: w.path,
      kind: "empty-root-0755",
      mount: `type=bind,src=${dir},dst=${w.path}`,
      remove: async () => rmSync(dir, { recursive: true, force: true }),
    };
  });
}

/** `podman run` flags of the ECS rendering of `spec` with these Fargate task volumes instead of tmpfs. */
export function fargateRunArgs(spec: ContainerSpec, volumes: readonly FargateVolume[]): string[] {
  const args = renderRunArgs({ ...spec, writablePaths: [] }, { flavour: "podman" });
  for (const v of volumes) args.push("--mount", v.mount);
  return args;
}
