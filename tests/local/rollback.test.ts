// Rollback in the `local` stack: `berth:deploySha` = an earlier commit's image, looked up in the local registry by
// its tag; nothing is built, and the services run that image pulled by digest.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { fixtureStackConfig } from "../support/fixtures";

const HEAD = "0123456789abcdef0123456789abcdef01234567";
const EARLIER = "fedcba9876543210fedcba9876543210fedcba98";
let captured: CapturedStack;

before(async () => {
  captured = await captureStack({
    stack: "local",
    config: { ...fixtureStackConfig("local"), "berth:imageSha": HEAD, "berth:deploySha": EARLIER },
  });
});

const ofType = (type: string) => captured.resources.filter((r) => r.type === type);

test("the program loads without error", () => {
  assert.equal(captured.error, undefined, String(captured.error));
});

test("nothing is built: no image build resource of any kind", () => {
  assert.deepEqual(ofType("docker:index/image:Image"), []);
  assert.deepEqual(ofType("docker-build:index:Image"), []);
  assert.deepEqual(ofType("docker:index/registryImage:RegistryImage"), []);
});

test("the earlier SHA's image is looked up in the local registry by its tag", () => {
  const lookups = ofType("docker:index/remoteImage:RemoteImage").filter((r) => r.name === "app-rollback");
  assert.equal(lookups.length, 1);
  assert.equal(lookups[0].inputs.name, `127.0.0.1:5001/berth:${EARLIER}`);
});

test("the services run the earlier image pulled by its digest", () => {
  const lookup = ofType("docker:index/remoteImage:RemoteImage").find((r) => r.name === "app-rollback")!;
  const digest = String(lookup.state.repoDigest).split("@")[1];
  assert.match(digest, /^sha256:[0-9a-f]{64}$/);
  const pulled = ofType("docker:index/remoteImage:RemoteImage").find((r) => r.name === "app-by-digest")!;
  assert.equal(pulled.inputs.name, `127.0.0.1:5001/berth@${digest}`);
  const containers = ofType("docker:index/container:Container").filter((r) => r.name !== "registry");
  assert.deepEqual(containers.map((c) => c.name).sort(), ["web", "worker"]);
  for (const c of containers) assert.equal(c.inputs.image, pulled.state.imageId, c.name);
});

test("the registry stays (it holds the earlier images) and the outputs say a rollback is running", () => {
  assert.equal(ofType("docker:index/container:Container").filter((r) => r.name === "registry").length, 1);
  assert.equal(captured.outputs.imageSha, EARLIER);
  assert.equal(captured.outputs.sourceSha, HEAD);
  assert.equal(captured.outputs.rolledBack, true);
  assert.equal(captured.outputs.imageTagRef, `127.0.0.1:5001/berth:${EARLIER}`);
});

test("exactly these resources are registered", () => {
  assert.deepEqual(captured.resources.map((r) => `${r.type} ${r.name}`).sort(), [
    "berth:local:Image app",
    "berth:local:Registry registry",
    "berth:local:Service web",
    "berth:local:Service worker",
    "docker:index/container:Container registry",
    "docker:index/container:Container web",
    "docker:index/container:Container worker",
    "docker:index/network:Network services",
    "docker:index/remoteImage:RemoteImage app-by-digest",
    "docker:index/remoteImage:RemoteImage app-rollback",
    "docker:index/remoteImage:RemoteImage registry-image",
    "docker:index/volume:Volume registry-data",
  ]);
});
