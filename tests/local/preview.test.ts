// `pulumi preview -s local` under mocks: the same resources as `up`, and the build is marked never to run on preview.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { fixtureStackConfig } from "../support/fixtures";

let captured: CapturedStack;

before(async () => {
  captured = await captureStack({
    stack: "local",
    preview: true,
    config: { ...fixtureStackConfig("local"), "berth:imageSha": "0123456789abcdef0123456789abcdef01234567" },
  });
});

test("the program previews without error and registers the same resources as an up", () => {
  assert.equal(captured.error, undefined, String(captured.error));
  assert.deepEqual(captured.resources.map((r) => `${r.type} ${r.name}`).sort(), [
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

test("the image build is not run on preview", () => {
  const builds = captured.resources.filter((r) => r.type === "docker:index/image:Image");
  assert.equal(builds.length, 1);
  assert.equal(builds[0].inputs.buildOnPreview, false);
});
