import { test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, readStackConfig } from "../../offline/mockRuntime";

test("the staging program loads under mocks with its own stack file", async () => {
  const config = { ...readStackConfig("staging"), "berth:imageSha": "0123456789abcdef0123456789abcdef01234567" };
  const captured = await captureStack({ stack: "staging", config });
  assert.equal(captured.error, undefined);
  assert.equal(captured.outputs.sourceSha, "0123456789abcdef0123456789abcdef01234567");
});
