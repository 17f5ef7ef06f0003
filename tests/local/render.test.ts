// The pure renderers of the local stack, called directly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSettings } from "../../infra/config";
import { containerSpecFor } from "../../infra/container/containerSpec";
import { fixtureStackConfig } from "../support/fixtures";
import {
  localDigestRef,
  renderDockerContainer,
  renderLocalImageBuild,
  renderRegistryContainer,
  REGISTRY_IMAGE,
} from "../../infra/local/localContainer";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const DIGEST = `sha256:${"c".repeat(64)}`;

function localSettings(
  git = { head: SHA, tagsAtHead: [] as string[], dirty: false, dirtyFingerprint: undefined as string | undefined },
  extra: Record<string, string> = {},
) {
  return loadSettings({ ...fixtureStackConfig("local"), ...extra }, { stack: "local", git: () => git });
}

test("the image is tagged by the full commit SHA from git", () => {
  const s = localSettings();
  const build = renderLocalImageBuild(s, s.local!);
  assert.equal(build.imageName, `127.0.0.1:5001/berth:${SHA}`);
  assert.deepEqual((build.build as any).args, { GIT_SHA: SHA, SOURCE_URL: "https://github.com/your-github-org/berth" });
});

test("a dirty work tree is built under its own dirty tag, never the clean SHA tag", () => {
  const s = localSettings({ head: SHA, tagsAtHead: [], dirty: true, dirtyFingerprint: "abcdef0123456789" });
  const build = renderLocalImageBuild(s, s.local!);
  assert.equal(build.imageName, `127.0.0.1:5001/berth:${SHA}-dirty-abcdef012345`);
  assert.equal((build.build as any).args.GIT_SHA, SHA);
});

test("a release tag at HEAD becomes the image's VERSION build argument", () => {
  const s = localSettings({ head: SHA, tagsAtHead: ["v1.4.2"], dirty: false, dirtyFingerprint: undefined });
  assert.equal((renderLocalImageBuild(s, s.local!).build as any).args.VERSION, "1.4.2");
});

test("the registry port moves the registry, the image name and the push target together", () => {
  const s = localSettings(undefined, { "berth:local": JSON.stringify({ registryPort: 6000 }) });
  const build = renderLocalImageBuild(s, s.local!);
  assert.equal(build.imageName, `127.0.0.1:6000/berth:${SHA}`);
  assert.deepEqual(build.registry, { server: "127.0.0.1:6000" });
  const registry = renderRegistryContainer(s.local!, { imageId: "sha256:x", volumeName: "v" });
  assert.deepEqual(registry.ports, [{ internal: 5000, external: 6000, ip: "127.0.0.1", protocol: "tcp" }]);
});

test("the digest reference keeps only the digest of what the provider reports", () => {
  const s = localSettings();
  assert.equal(
    localDigestRef(s.local!, "berth", `127.0.0.1:5001/berth:${SHA}@${DIGEST}`),
    `127.0.0.1:5001/berth@${DIGEST}`,
  );
  assert.throws(() => localDigestRef(s.local!, "berth", `127.0.0.1:5001/berth:${SHA}`), /not a digest reference/);
  assert.throws(() => localDigestRef(s.local!, "berth", ""), /not a digest reference/);
});

test("the registry image is pinned by a sha256 digest", () => {
  assert.match(REGISTRY_IMAGE, /^registry:2@sha256:[0-9a-f]{64}$/);
});

test("a service without a host port is not published; one with a port is published on 127.0.0.1 only", () => {
  const s = localSettings();
  const worker = s.services.find((x) => x.name === "worker")!;
  const spec = containerSpecFor(s, worker, `127.0.0.1:5001/berth@${DIGEST}`);
  const base = {
    imageId: "sha256:x",
    networkName: "n",
    restartPolicy: "no" as const,
    healthyWaitSeconds: 30,
    stack: "local",
  };
  assert.deepEqual(renderDockerContainer(spec, base).ports, []);
  assert.deepEqual(renderDockerContainer(spec, { ...base, hostPort: 9000 }).ports, [
    { internal: 8080, external: 9000, ip: "127.0.0.1", protocol: "tcp" },
  ]);
  assert.equal(renderDockerContainer(spec, base).restart, "no");
  assert.equal(renderDockerContainer(spec, base).waitTimeout, 30);
});

test("service sizes reach the container: cpu units to cpus, MiB to memory, tmpfs size", () => {
  const config = fixtureStackConfig("local");
  const services = JSON.parse(config["berth:services"]);
  services.web = { ...services.web, cpu: 1024, memory: 2048, tmpSizeMiB: 128, user: "2000:2000" };
  const s = localSettings(undefined, { "berth:services": JSON.stringify(services) });
  const web = containerSpecFor(
    s,
    s.services.find((x) => x.name === "web")!,
    `127.0.0.1:5001/berth@${DIGEST}`,
  );
  const c = renderDockerContainer(web, {
    imageId: "i",
    networkName: "n",
    hostPort: 8080,
    restartPolicy: "always",
    healthyWaitSeconds: 60,
    stack: "local",
  });
  assert.equal(c.cpus, "1");
  assert.equal(c.memory, 2048);
  assert.equal(c.memorySwap, 2048);
  assert.deepEqual(c.tmpfs, { "/tmp": "rw,nosuid,nodev,size=128m,mode=1777" });
  assert.equal(c.user, "2000:2000");
});

test("a spec with secrets and no local values for them is refused by the renderer (the local stack reads them from berth:local.secretsFile first)", () => {
  const s = localSettings();
  const spec = {
    ...containerSpecFor(s, s.services[0], `127.0.0.1:5001/berth@${DIGEST}`),
    secrets: { API_KEY: "arn:aws:ssm:eu-west-1:111111111111:parameter/x" },
  };
  assert.throws(
    () =>
      renderDockerContainer(spec, {
        imageId: "i",
        networkName: "n",
        restartPolicy: "no",
        healthyWaitSeconds: 60,
        stack: "local",
      }),
    /no local value for the secrets API_KEY \(berth:local\.secretsFile\)/,
  );
});
