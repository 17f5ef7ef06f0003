// scripts/bootstrap's proof of the container path (scripts/containers/check-runtime.sh), on a machine that lacks a
// piece: netavark (podman's network backend, pinned by scripts/containers/env.sh) EXECUTES `iptables` from PATH for
// every container on a network, and a fresh Debian machine with podman + netavark installed without recommends has
// no iptables: every `podman run` then fails with "netavark: No such file or directory (os error 2)" (issue 11,
// defect 7). A machine without iptables is modelled by a PATH that has every program of the standard PATH except
// iptables*, so the check and the real podman run below see exactly what such a machine offers.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { containersEnv, repoRoot } from "../../offline/podman.js";

const SCRIPT = path.join(repoRoot, "scripts/containers/check-runtime.sh");
const STANDARD_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/** A directory of symlinks to every program on the standard PATH whose name does not match `drop`. */
function pathWithout(drop: RegExp): string {
  const dir = mkdtempSync(path.join(tmpdir(), "berth-path-"));
  const seen = new Set<string>();
  for (const d of STANDARD_PATH) {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const name of names) {
      if (drop.test(name) || seen.has(name)) continue;
      seen.add(name);
      symlinkSync(path.join(d, name), path.join(dir, name));
    }
  }
  return dir;
}

function runBash(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile("/bin/bash", args, { cwd: repoRoot, env, timeout: 180_000, encoding: "utf8" }, (err, _stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stderr });
    });
  });
}

describe("bootstrap's container-path check (scripts/containers/check-runtime.sh)", { timeout: 5 * 60_000 }, () => {
  const noIptables = pathWithout(/^iptables/);
  after(() => rmSync(noIptables, { recursive: true, force: true }));

  test("on this machine (after scripts/bootstrap) every piece is present and one hardened podman run works", async () => {
    if (process.getuid?.() !== 0) throw new Error("the container tests run as root (as CI does)");
    const r = await runBash([SCRIPT, "--prove"], containersEnv());
    assert.equal(r.code, 0, `check-runtime.sh --prove failed:\n${r.stderr}`);
    assert.match(r.stderr, /podman run .*: ok/);
  });

  test("without iptables on PATH the check fails and names iptables, its Debian package and who runs it", async () => {
    const r = await runBash([SCRIPT], { ...containersEnv(), PATH: noIptables });
    assert.equal(r.code, 1, `exit status (stderr:\n${r.stderr})`);
    const missing = r.stderr.split("\n").filter((l) => l.includes("missing "));
    assert.equal(missing.length, 2, `a count line and exactly one missing piece:\n${r.stderr}`);
    assert.match(missing[1]!, /missing iptables \(Debian package iptables\): netavark executes it/);
  });

  test("without iptables on PATH the real podman run fails as on a fresh machine (netavark: No such file), and says so", async () => {
    // The proof run itself, past the name check: what podman/netavark really do on such a machine.
    if (process.getuid?.() !== 0) throw new Error("the container tests run as root (as CI does)");
    const r = await runBash(["-c", `. "$1" && prove_runtime`, "bash", SCRIPT], {
      ...containersEnv(),
      PATH: noIptables,
    });
    assert.equal(r.code, 1, `exit status (stderr:\n${r.stderr})`);
    assert.match(r.stderr, /hardened podman run of \S+ failed/);
    assert.match(r.stderr, /netavark: No such file or directory/);
  });
});
