/** The image tag comes from the commit: full SHA, release tag, dirty work trees (marked in staging, refused in prod). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, loadSettings, type GitState, type Settings } from "../../infra/config";
import { imageTagsFor, releaseTagAmong } from "../../infra/config/source";
import { readGitState } from "../../infra/config/gitState";
import { imageBuildArgs, imageLabels } from "../../infra/registries/image";

import { SHA } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

const FINGERPRINT = "f00dfeed".repeat(8);

function load(
  stack: "staging" | "prod",
  git: GitState | (() => GitState),
  extra: Record<string, string> = {},
): Settings {
  return loadSettings(
    { ...fixtureStackConfig(stack), ...extra },
    { stack, git: typeof git === "function" ? git : () => git },
  );
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e;
  }
  assert.fail("expected a ConfigError");
}

test("berth:imageSha (CI) is the tag; git is not read", () => {
  const s = load("staging", () => assert.fail("git must not be read when berth:imageSha is set"), {
    "berth:imageSha": SHA,
  });
  assert.deepEqual(s.source, { sha: SHA, tag: SHA, releaseTag: undefined, dirty: false, origin: "config" });
  assert.deepEqual(imageTagsFor(s.source), [SHA]);
});

test("berth:releaseTag adds vX.Y.Z-<sha>", () => {
  const s = load("staging", () => assert.fail("no git"), { "berth:imageSha": SHA, "berth:releaseTag": "v2.0.1" });
  assert.deepEqual(imageTagsFor(s.source), [SHA, `v2.0.1-${SHA}`]);
});

test("unset: the SHA comes from git HEAD, and the highest vX.Y.Z tag at HEAD adds the release tag", () => {
  const s = load("staging", { head: SHA, tagsAtHead: ["v1.2.0", "v1.10.0", "nightly", "v1.9.9-rc1"], dirty: false });
  assert.equal(s.source.origin, "git");
  assert.equal(s.source.releaseTag, "v1.10.0", "semantic, not lexical, order");
  assert.deepEqual(imageTagsFor(s.source), [SHA, `v1.10.0-${SHA}`]);
  assert.equal(releaseTagAmong(["latest", "v1", "1.2.3"]), undefined);
});

test("staging from a dirty work tree: a distinct tag, no release tag, marked in labels and version", () => {
  const s = load("staging", { head: SHA, tagsAtHead: ["v1.2.0"], dirty: true, dirtyFingerprint: FINGERPRINT });
  assert.equal(s.source.dirty, true);
  assert.equal(s.source.tag, `${SHA}-dirty-${FINGERPRINT.slice(0, 12)}`);
  assert.deepEqual(
    imageTagsFor(s.source),
    [`${SHA}-dirty-${FINGERPRINT.slice(0, 12)}`],
    "never the clean <sha> tag nor a release tag",
  );
  assert.equal(imageLabels(s)["berth.dirty"], "true");
  assert.equal(imageBuildArgs(s).VERSION, `0.0.0-${SHA}-dirty-${FINGERPRINT.slice(0, 12)}`);
  assert.equal(imageBuildArgs(s).GIT_SHA, SHA);
});

test("two different dirty states give two different tags (immutable registries never see one tag twice)", () => {
  const a = load("staging", { head: SHA, tagsAtHead: [], dirty: true, dirtyFingerprint: "a".repeat(64) });
  const b = load("staging", { head: SHA, tagsAtHead: [], dirty: true, dirtyFingerprint: "b".repeat(64) });
  assert.notEqual(a.source.tag, b.source.tag);
});

test("prod refuses a dirty work tree with a clear error naming the key", () => {
  const e = configError(() => load("prod", { head: SHA, tagsAtHead: [], dirty: true, dirtyFingerprint: FINGERPRINT }));
  const problem = e.problems.find((p) => p.key === "berth:imageSha");
  assert.ok(problem, e.message);
  assert.equal(problem.value, `${SHA} (work tree has uncommitted changes)`);
  assert.match(problem.allowed, /a clean work tree for prod/);
  assert.match(e.message, /nothing was registered/);
});

test("prod from a clean work tree loads", () => {
  const s = load("prod", { head: SHA, tagsAtHead: [], dirty: false });
  assert.equal(s.source.sha, SHA);
});

test("no git and no berth:imageSha: a clear error instead of a crash", () => {
  const e = configError(() =>
    load("staging", () => {
      throw new Error("fatal: not a git repository");
    }),
  );
  const problem = e.problems.find((p) => p.key === "berth:imageSha")!;
  assert.match(problem.allowed, /run inside a git work tree/);
  assert.match(problem.allowed, /not a git repository/);
});

test("readGitState reads HEAD, tags at HEAD, and a fingerprint of the uncommitted changes", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-git-"));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
  try {
    git("init", "-q");
    git("config", "user.email", "test@example.invalid");
    git("config", "user.name", "test");
    git("config", "commit.gpgsign", "false");
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\n");
    git("add", "Dockerfile");
    git("commit", "-q", "-m", "one");
    git("tag", "v0.1.0");
    const clean = readGitState(dir);
    assert.equal(clean.head, git("rev-parse", "HEAD"));
    assert.match(clean.head, /^[0-9a-f]{40}$/);
    assert.deepEqual(clean.tagsAtHead, ["v0.1.0"]);
    assert.equal(clean.dirty, false);
    assert.equal(clean.dirtyFingerprint, undefined);

    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\nUSER 1000\n");
    const edited = readGitState(dir);
    assert.equal(edited.dirty, true);
    assert.match(edited.dirtyFingerprint!, /^[0-9a-f]{64}$/);
    assert.equal(
      readGitState(dir).dirtyFingerprint,
      edited.dirtyFingerprint,
      "same changes, same fingerprint (a re-run does not re-push)",
    );

    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\nUSER 1001\n");
    assert.notEqual(readGitState(dir).dirtyFingerprint, edited.dirtyFingerprint);

    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\n");
    fs.writeFileSync(path.join(dir, "new.txt"), "untracked\n");
    const untracked = readGitState(dir);
    assert.equal(untracked.dirty, true, "an untracked file makes the tree dirty");
    fs.writeFileSync(path.join(dir, "new.txt"), "changed\n");
    assert.notEqual(readGitState(dir).dirtyFingerprint, untracked.dirtyFingerprint, "untracked contents count");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the stack files the Pulumi CLI writes (Pulumi.<stack>.yaml at the root) do not make the tree dirty; Pulumi.yaml and any other file do", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-git-"));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
  try {
    git("init", "-q");
    git("config", "user.email", "test@example.invalid");
    git("config", "user.name", "test");
    git("config", "commit.gpgsign", "false");
    fs.mkdirSync(path.join(dir, "app"));
    fs.writeFileSync(path.join(dir, "app", "Pulumi.notes.yaml"), "a: 1\n");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: x\n");
    fs.writeFileSync(path.join(dir, "Pulumi.local.yaml"), "config:\n  berth:environment: local\n");
    git("add", ".");
    git("commit", "-q", "-m", "one");
    // `pulumi stack init local` with the passphrase provider adds encryptionsalt; `pulumi config set` a value;
    // `pulumi stack init dev` a new, untracked stack file.
    fs.appendFileSync(path.join(dir, "Pulumi.local.yaml"), "encryptionsalt: v1:abc=:v1:def:ghi==\n");
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config: {}\n");
    assert.equal(readGitState(dir).dirty, false, "stack files only: clean");
    assert.equal(readGitState(path.join(dir, "app")).dirty, false, "also from a subfolder");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: y\n");
    assert.equal(readGitState(dir).dirty, true, "the project file is code");
    git("checkout", "-q", "Pulumi.yaml");
    fs.writeFileSync(path.join(dir, "app", "Pulumi.notes.yaml"), "a: 2\n");
    const nested = readGitState(dir);
    assert.equal(nested.dirty, true, "a Pulumi.*.yaml below the root is not a stack file");
    fs.appendFileSync(path.join(dir, "Pulumi.local.yaml"), "# more\n");
    assert.equal(
      readGitState(dir).dirtyFingerprint,
      nested.dirtyFingerprint,
      "stack files never enter the fingerprint",
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
