/**
 * Reads the git state the image tag comes from (`berth:imageSha` unset: a laptop run).
 * The tag scheme and the dirty-tree rules live in infra/config/source.ts (pure, tested with a given GitState).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { GitState } from "./source";

/**
 * The stack files (`Pulumi.<stack>.yaml` at the top of the repository) are left out of "dirty": they hold the stack's
 * settings, which the program reads directly and which never enter the image (the build context is the app's folder,
 * .dockerignore), while the Pulumi CLI itself writes them: `pulumi stack init` adds `encryptionsalt`,
 * `pulumi config set` a value. Counting them made a fresh `local` stack's image `<sha>-dirty-...` and refused a laptop
 * rollback of prod. Git pathspec magic (https://git-scm.com/docs/gitglossary#Documentation/gitglossary.txt-aiddefpathspecapathspec):
 * `top` anchors at the repository root, `glob` keeps `*` inside one path segment, so `Pulumi.yaml` and files in
 * folders still count.
 */
const STACK_FILES_PATHSPEC = ":(top,exclude,glob)Pulumi.*.yaml";

export function readGitState(cwd = process.cwd()): GitState {
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const head = git("rev-parse", "HEAD").trim();
  const tagsAtHead = git("tag", "--points-at", "HEAD")
    .split("\n")
    .map((t) => t.trim())
    .filter(Boolean);
  const status = git("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ":/", STACK_FILES_PATHSPEC);
  const dirty = status.length > 0;
  return { head, tagsAtHead, dirty, dirtyFingerprint: dirty ? dirtyFingerprint(git) : undefined };
}

/**
 * A hash of the uncommitted changes: the tracked diff against HEAD plus each untracked file's name and content.
 * Two different dirty states give two different image tags, so an IMMUTABLE registry never sees one tag twice.
 */
function dirtyFingerprint(git: (...args: string[]) => string): string {
  const hash = createHash("sha256");
  hash.update(git("diff", "HEAD", "--binary", "--", ":/", STACK_FILES_PATHSPEC));
  const root = git("rev-parse", "--show-toplevel").trim();
  const untracked = git(
    "ls-files",
    "--others",
    "--exclude-standard",
    "--full-name",
    "-z",
    "--",
    ":/",
    STACK_FILES_PATHSPEC,
  )
    .split("\0")
    .filter(Boolean)
    .sort();
  for (const file of untracked) {
    hash.update(`\0${file}\0`);
    const full = path.join(root, file);
    try {
      if (fs.statSync(full).isFile()) hash.update(fs.readFileSync(full));
    } catch {
      // Deleted between listing and reading: the name alone still changes the fingerprint.
    }
  }
  return hash.digest("hex");
}

/**
 * The committer time of `sha` in seconds since the epoch (`git show -s --format=%ct`), or undefined when git cannot
 * say (no git, not a repository, a SHA this clone does not have). The image build's one notion of "when"
 * (SOURCE_DATE_EPOCH, BUILD_TIME): the same commit always gives the same time, so the same image digest.
 */
export function commitEpoch(sha: string, cwd = process.cwd()): number | undefined {
  if (!/^[0-9a-f]{40}$/.test(sha)) return undefined;
  try {
    const out = execFileSync("git", ["show", "-s", "--format=%ct", sha], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    return /^\d+$/.test(out) ? Number(out) : undefined;
  } catch {
    return undefined;
  }
}
