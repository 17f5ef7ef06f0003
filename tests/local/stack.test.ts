// The `local` stack under mocks (Pulumi.local.yaml, a build at a given commit): the exact resources, no cloud
// resource, the registry, the build, the pull by digest, and each service container equal to its spec's rendering
// with every hardening input asserted on its own.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedResource, type CapturedStack } from "../../offline/mockRuntime";
import { loadSettings, type Settings } from "../../infra/config";
import { containerSpecFor } from "../../infra/container/containerSpec";
import { renderDockerContainer, REGISTRY_IMAGE } from "../../infra/local/localContainer";
import { captureProgram } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const config = { ...fixtureStackConfig("local"), "berth:imageSha": SHA };
let captured: CapturedStack;
let settings: Settings;

const DIGEST_REF = /^127\.0\.0\.1:5001\/berth@sha256:[0-9a-f]{64}$/;

before(async () => {
  captured = await captureStack({ stack: "local", config });
  settings = loadSettings(config, {
    stack: "local",
    git: () => assert.fail("git must not be read when berth:imageSha is set"),
  });
});

function one(type: string, name: string): CapturedResource {
  const found = captured.resources.filter((r) => r.type === type && r.name === name);
  assert.equal(found.length, 1, `${type} ${name}: ${found.length} registered`);
  return found[0];
}

test("the program loads without error", () => {
  assert.equal(captured.error, undefined, String(captured.error));
});

test("exactly these resources are registered", () => {
  const list = captured.resources.map((r) => `${r.type} ${r.name}`).sort();
  assert.deepEqual(list, [
    "berth:local:Image app",
    "berth:local:Registry registry",
    "berth:local:Service web",
    "berth:local:Service worker",
    "docker:index/container:Container registry",
    "docker:index/container:Container web",
    "docker:index/container:Container worker",
    "docker:index/image:Image app",
    "docker:index/network:Network services",
    "docker:index/remoteImage:RemoteImage app-by-digest",
    "docker:index/remoteImage:RemoteImage registry-image",
    "docker:index/volume:Volume registry-data",
  ]);
});

test("no AWS, GCP or GitHub resource, provider or invoke", () => {
  const cloud = captured.resources.filter((r) =>
    /^(aws|gcp|github|docker-build):|^pulumi:providers:(aws|gcp|github)/.test(r.type),
  );
  assert.deepEqual(cloud, []);
  assert.deepEqual(
    captured.invokes.filter((i) => /^(aws|gcp|github):/.test(i.token)),
    [],
  );
});

test("the registry is registry:2 pinned by digest, published on 127.0.0.1 only, hardened, with its data in a volume", () => {
  assert.equal(one("docker:index/remoteImage:RemoteImage", "registry-image").inputs.name, REGISTRY_IMAGE);
  assert.match(REGISTRY_IMAGE, /^registry:2@sha256:[0-9a-f]{64}$/);
  const image = one("docker:index/remoteImage:RemoteImage", "registry-image").state;
  const registry = one("docker:index/container:Container", "registry").inputs;
  assert.equal(registry.image, image.imageId);
  assert.deepEqual(registry.ports, [{ internal: 5000, external: 5001, ip: "127.0.0.1", protocol: "tcp" }]);
  assert.deepEqual(registry.volumes, [
    { volumeName: "berth-local-registry-data", containerPath: "/var/lib/registry", readOnly: false },
  ]);
  assert.equal(registry.readOnly, true);
  assert.deepEqual(registry.capabilities, { drops: ["ALL"] });
  assert.deepEqual(registry.securityOpts, ["no-new-privileges:true"]);
  assert.equal(registry.logDriver, "json-file");
  assert.deepEqual(registry.logOpts, { "max-size": "10m", "max-file": "3" });
  assert.equal(registry.wait, true);
  assert.equal(registry.restart, "unless-stopped");
});

test("the image is built from the repo's Dockerfile with BuildKit, tagged by the commit and pushed to the local registry, never on preview", () => {
  const build = one("docker:index/image:Image", "app").inputs;
  assert.equal(build.imageName, `127.0.0.1:5001/berth:${SHA}`);
  assert.equal(build.build.context, ".");
  assert.equal(build.build.dockerfile, "Dockerfile");
  assert.equal(build.build.builderVersion, "BuilderBuildKit");
  assert.equal(build.build.args.GIT_SHA, SHA);
  assert.equal(build.build.platform, undefined, "built for the laptop's own architecture (Native AOT)");
  assert.equal(build.buildOnPreview, false);
  assert.equal(build.skipPush, false);
  assert.deepEqual(build.registry, { server: "127.0.0.1:5001" });
});

test("the services run the pushed image pulled by its digest (never by tag)", () => {
  const built = one("docker:index/image:Image", "app").state;
  const digest = String(built.repoDigest).split("@")[1];
  const pulled = one("docker:index/remoteImage:RemoteImage", "app-by-digest");
  assert.equal(pulled.inputs.name, `127.0.0.1:5001/berth@${digest}`);
  assert.match(pulled.inputs.name, DIGEST_REF);
  for (const name of ["web", "worker"]) {
    const c = one("docker:index/container:Container", name).inputs;
    assert.equal(c.image, pulled.state.imageId, `${name} runs the image pulled by digest`);
    assert.deepEqual(
      c.labels.find((l: { label: string }) => l.label === "berth.image"),
      { label: "berth.image", value: pulled.inputs.name },
    );
  }
  assert.equal(captured.outputs.imageDigestRef, pulled.inputs.name);
  assert.equal(captured.outputs.imageSha, SHA);
  assert.equal(captured.outputs.rolledBack, false);
});

test("each service container's inputs equal the rendering of its container spec (the one ECS runs)", () => {
  const pulled = one("docker:index/remoteImage:RemoteImage", "app-by-digest");
  const network = one("docker:index/network:Network", "services");
  assert.equal(network.inputs.name, "berth-local");
  for (const service of settings.services) {
    const spec = containerSpecFor(settings, service, pulled.inputs.name);
    const expected = renderDockerContainer(spec, {
      imageId: pulled.state.imageId,
      networkName: network.inputs.name,
      hostPort: settings.local!.hostPorts[service.name],
      restartPolicy: settings.local!.restartPolicy,
      healthyWaitSeconds: settings.local!.healthyWaitSeconds,
      stack: "local",
    });
    // The mock echoes inputs as sent on the wire: a JSON round trip of the rendering is what the provider gets.
    assert.deepEqual(
      one("docker:index/container:Container", service.name).inputs,
      JSON.parse(JSON.stringify(expected)),
      service.name,
    );
  }
});

test("every hardening input of the web container, one by one", () => {
  const web = one("docker:index/container:Container", "web").inputs;
  assert.equal(web.name, "berth-local-web");
  assert.equal(web.readOnly, true);
  assert.deepEqual(web.tmpfs, { "/tmp": "rw,nosuid,nodev,size=64m,mode=1777" });
  assert.match(web.user, /^[1-9]\d*:[1-9]\d*$/, "a non-root uid:gid");
  assert.equal(web.memory, 512);
  assert.equal(web.memorySwap, 512, "no swap beyond the memory limit");
  assert.equal(web.cpus, "0.25");
  assert.deepEqual(web.capabilities, { drops: ["ALL"] });
  assert.deepEqual(web.securityOpts, ["no-new-privileges:true"]);
  assert.equal(web.privileged, false);
  assert.equal(web.init, true);
  assert.deepEqual(web.healthcheck.tests, ["CMD", "/app/berth", "--healthcheck"]);
  assert.equal(web.healthcheck.interval, "10s");
  assert.equal(web.healthcheck.retries, 3);
  assert.equal(web.logDriver, "json-file");
  assert.equal(web.logOpts["max-size"], "10m");
  assert.equal(web.logOpts["max-file"], "3");
  assert.equal(web.restart, "unless-stopped");
  assert.deepEqual(web.ports, [{ internal: 8080, external: 8080, ip: "127.0.0.1", protocol: "tcp" }]);
  assert.ok(web.envs.includes("Berth__Environment=local"));
  assert.ok(web.envs.includes("Berth__ServiceName=web"));
  assert.deepEqual(web.networksAdvanced, [{ name: "berth-local", aliases: ["web"] }]);
  assert.equal(web.wait, true, "pulumi up waits for the health check");
});

test("the worker runs in worker mode, hardened the same way, and is not published", () => {
  const worker = one("docker:index/container:Container", "worker").inputs;
  assert.deepEqual(worker.command, ["worker"]);
  assert.deepEqual(worker.ports, []);
  assert.equal(worker.readOnly, true);
  assert.deepEqual(worker.capabilities, { drops: ["ALL"] });
  assert.deepEqual(worker.securityOpts, ["no-new-privileges:true"]);
  assert.deepEqual(worker.healthcheck.tests, ["CMD", "/app/berth", "--healthcheck"]);
});

test("the services network binds published ports to 127.0.0.1 by default and isolates the containers from each other", () => {
  const network = one("docker:index/network:Network", "services").inputs;
  assert.equal(network.driver, "bridge");
  assert.equal(network.options["com.docker.network.bridge.host_binding_ipv4"], "127.0.0.1");
  assert.equal(network.options["com.docker.network.bridge.enable_icc"], "false");
  assert.equal(network.internal, undefined, "not internal: an internal network cannot publish ports");
});

test("no port anywhere is published beyond 127.0.0.1", () => {
  const ports = captured.resources
    .filter((r) => r.type === "docker:index/container:Container")
    .flatMap((r) => r.inputs.ports ?? []);
  assert.ok(ports.length >= 2);
  for (const p of ports) assert.equal(p.ip, "127.0.0.1", JSON.stringify(p));
});

test("stack outputs say where to look", () => {
  assert.deepEqual(captured.outputs.serviceUrls, { web: "http://127.0.0.1:8080" });
  assert.deepEqual(captured.outputs.containers, { web: "berth-local-web", worker: "berth-local-worker" });
  assert.equal(captured.outputs.registry, "127.0.0.1:5001");
});

test("the unchanged local stack warns of nothing; each switched-off hardening is said by its key, before the pack flags it", async () => {
  assert.deepEqual(captured.outputs.warnings, []);
  const services = JSON.parse((config as Record<string, string>)["berth:services"]);
  services.web.hardening = { readonlyRootFilesystem: false, dropAllCapabilities: false };
  const weakened = await captureProgram({
    stack: "local",
    config: { ...config, "berth:services": JSON.stringify(services) },
  });
  assert.equal(weakened.error, undefined, String(weakened.error));
  const said = (weakened.outputs.warnings as string[]).map((w) => w.split(" is ")[0]);
  assert.deepEqual(said, [
    "berth:services.web.hardening.readonlyRootFilesystem",
    "berth:services.web.hardening.dropAllCapabilities",
  ]);
  for (const w of weakened.outputs.warnings as string[]) assert.ok(weakened.warnings.includes(w), `logged: ${w}`);
});
