// A bad `local` configuration fails before any resource is registered, with every problem in one error.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { ConfigError } from "../../infra/config";
import { fixtureStackConfig } from "../support/fixtures";

let captured: CapturedStack;

before(async () => {
  captured = await captureStack({
    stack: "local",
    config: {
      ...fixtureStackConfig("local"),
      "berth:imageSha": "0123456789abcdef0123456789abcdef01234567",
      "aws:region": "eu-west-1",
      "berth:ecr": JSON.stringify({ scanOnPush: true }),
      "berth:local": JSON.stringify({ bindAddress: "0.0.0.0", hostPorts: { web: 5001 } }),
    },
  });
});

test("the program refuses the configuration with one ConfigError naming every bad key", () => {
  assert.ok(captured.error instanceof ConfigError, String(captured.error));
  const keys = (captured.error as ConfigError).problems.map((p) => p.key).sort();
  assert.deepEqual(keys, ["aws:region", "berth:ecr", "berth:local.bindAddress", "berth:local.hostPorts.web"]);
  assert.match(
    String((captured.error as Error).message),
    /berth:local\.bindAddress: got "0\.0\.0\.0"; allowed: 127\.0\.0\.1 only/,
  );
});

test("nothing was registered", () => {
  assert.deepEqual(captured.resources, []);
  assert.deepEqual(captured.invokes, []);
});
