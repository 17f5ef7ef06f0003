import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

// The typecheck is what catches a misspelt provider field (a container definition typed as aws.ecs.ContainerDefinition
// rejects `readOnlyRootFilesystem`), so it runs inside the suite and counts like any other test.
test("the TypeScript program, policy pack and tests typecheck under strict mode", () => {
  const root = path.resolve(__dirname, "..");
  const tsc = spawnSync(
    process.execPath,
    [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json", "--noEmit"],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  assert.equal(tsc.status, 0, `tsc reported errors:\n${tsc.stdout}${tsc.stderr}`);
});
