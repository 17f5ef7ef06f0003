/**
 * LocalRegistry, LocalImage and LocalService constructed directly with their sections (no stack program), several
 * configurations in one process under `pulumi.runtime.setMocks`: each construction's children.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as docker from "@pulumi/docker";
import { loadSettings, type LocalStackSettings } from "../../infra/config";
import { LocalImage, LocalRegistry, LocalService } from "../../infra/local";

import { childList, childOf, construct } from "../support/componentMocks";
import { fixtureStackConfig } from "../support/fixtures";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const OLD_SHA = "89abcdef0123456789abcdef0123456789abcdef";
const MOCK_DIGEST = `sha256:${"cd".repeat(32)}`;

function localSettings(extra: Record<string, string> = {}): LocalStackSettings {
  const config = { ...fixtureStackConfig("local"), "berth:imageSha": SHA, ...extra };
  const settings = loadSettings(config, { stack: "local", git: () => assert.fail("no git") });
  return settings.target === "local" ? settings : assert.fail("local is a local stack");
}
const local = localSettings();
const value = <T>(o: { apply: (f: (v: T) => void) => unknown }) => new Promise<T>((resolve) => o.apply(resolve));

test("LocalRegistry: registry:2 pinned by digest on 127.0.0.1:<registryPort>, its blobs in a named volume", async () => {
  const { component, children } = await construct(() => new LocalRegistry("reg", { local: local.local }), "local");
  assert.deepEqual(childList(children), [
    "docker:index/container:Container reg",
    "docker:index/remoteImage:RemoteImage reg-image",
    "docker:index/volume:Volume reg-data",
  ]);
  assert.equal(component.host, `127.0.0.1:${local.local.registryPort}`);
  assert.match(
    childOf(children, "docker:index/remoteImage:RemoteImage", "reg-image").state.name,
    /^registry:2@sha256:/,
  );
  const ports = childOf(children, "docker:index/container:Container", "reg").state.ports;
  assert.deepEqual(
    ports.map((p: any) => [p.ip, p.external]),
    [["127.0.0.1", local.local.registryPort]],
  );
});

test("LocalImage, a build: tagged by the commit, pushed to the local registry, then pulled by its digest", async () => {
  const { component, children } = await construct(() => {
    const registry = new LocalRegistry("reg", { local: local.local });
    return new LocalImage("app", {
      image: local.image,
      source: local.source,
      build: local.build,
      github: local.github,
      local: local.local,
      registry,
    });
  }, "local");
  assert.deepEqual(childList(children), [
    "docker:index/image:Image app",
    "docker:index/remoteImage:RemoteImage app-by-digest",
  ]);
  assert.equal(component.built, true);
  assert.equal(component.sha, SHA);
  assert.equal(component.tagRef, `127.0.0.1:${local.local.registryPort}/berth:${local.source.tag}`);
  const build = childOf(children, "docker:index/image:Image", "app").state;
  assert.equal(build.build.args.GIT_SHA, SHA);
  assert.equal(await value(component.digestRef), `127.0.0.1:${local.local.registryPort}/berth@${MOCK_DIGEST}`);
  assert.equal(
    childOf(children, "docker:index/remoteImage:RemoteImage", "app-by-digest").state.name,
    await value(component.digestRef),
  );
});

test("LocalImage, a rollback (deploySha): nothing built, the earlier SHA's image looked up in the registry by its tag", async () => {
  const rollback = localSettings({ "berth:deploySha": OLD_SHA });
  const { component, children } = await construct(() => {
    const registry = new LocalRegistry("reg", { local: rollback.local });
    return new LocalImage("app", {
      image: rollback.image,
      source: rollback.source,
      build: rollback.build,
      github: rollback.github,
      local: rollback.local,
      registry,
    });
  }, "local");
  assert.deepEqual(childList(children), [
    "docker:index/remoteImage:RemoteImage app-by-digest",
    "docker:index/remoteImage:RemoteImage app-rollback",
  ]);
  assert.equal(component.built, false);
  assert.equal(component.sha, OLD_SHA);
  assert.equal(
    childOf(children, "docker:index/remoteImage:RemoteImage", "app-rollback").state.name,
    `127.0.0.1:${rollback.local.registryPort}/berth:${OLD_SHA}`,
  );
});

const serviceIn = async (name: string) => {
  let image: LocalImage | undefined;
  const built = await construct(() => {
    const registry = new LocalRegistry("reg", { local: local.local });
    const network = new docker.Network("services", { name: "berth-local" });
    image = new LocalImage("app", {
      image: local.image,
      source: local.source,
      build: local.build,
      github: local.github,
      local: local.local,
      registry,
    });
    const service = local.services.find((s) => s.name === name)!;
    return new LocalService(name, {
      service,
      local: local.local,
      environment: local.environment,
      logs: local.logs,
      stack: local.stack,
      image,
      network,
    });
  }, "local");
  return { ...built, image: image! };
};

test("LocalService, web (published) and worker (not): one hardened container each, running the image by digest", async () => {
  const web = await serviceIn("web");
  assert.deepEqual(childList(web.children), ["docker:index/container:Container web"]);
  const container = childOf(web.children, "docker:index/container:Container", "web").state;
  assert.equal(container.image, `sha256:${"ef".repeat(32)}`, "the image pulled by digest");
  assert.equal(container.readOnly, true);
  assert.ok(container.envs.includes("Berth__Environment=local"), container.envs.join(", "));
  assert.deepEqual(
    container.ports.map((p: any) => [p.ip, p.external]),
    [["127.0.0.1", local.local.hostPorts.web]],
  );
  assert.equal(web.component.url, `http://127.0.0.1:${local.local.hostPorts.web}`);
  const worker = await serviceIn("worker");
  assert.deepEqual(childOf(worker.children, "docker:index/container:Container", "worker").state.ports, []);
  assert.equal(worker.component.url, undefined);
});
