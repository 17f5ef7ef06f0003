/**
 * The commit the image is built from and tagged by.
 *
 * Tag scheme (docs/registries.md, "Tag scheme"):
 * - `<sha>`: the full 40-hex commit SHA. Full, not short: a short SHA is ambiguous as a repository grows (git itself
 *   lengthens abbreviations), and a tag that could name two commits is useless for audit and rollback. The tag is
 *   also what `berth:deploySha` and `aws ecr describe-images --image-ids imageTag=<sha>` take, so it must be exact.
 * - `vX.Y.Z-<sha>`: added when a `vX.Y.Z` git tag points at the commit (or CI passes `berth:releaseTag`). The SHA is
 *   kept in the release tag so a re-pointed git tag can never make two images claim one release.
 * - `<sha>-dirty-<fingerprint>`: a staging build from a work tree with uncommitted changes. The fingerprint hashes the
 *   uncommitted diff, so each distinct dirty state gets its own tag: tags are IMMUTABLE in every registry, and
 *   re-pushing `<sha>` with different content would be refused (ECR `ImageTagAlreadyExistsException`). A dirty build
 *   never gets the clean `<sha>` tag nor a release tag. Prod refuses a dirty work tree outright.
 */
import type { ConfigSection } from "./section";
import type { Environment } from "./environment";
import { COMMIT_SHA } from "../../policy/securityLists";
import { string } from "./declare";

export interface SourceRevision {
  /** Full 40-hex git commit SHA. */
  sha: string;
  /** The primary image tag: `<sha>`, or `<sha>-dirty-<fingerprint>` for a dirty staging work tree. */
  tag: string;
  /** `vX.Y.Z` when that git tag points at the commit; adds the image tag `vX.Y.Z-<sha>`. */
  releaseTag?: string;
  /** True when the work tree had uncommitted changes (refused for prod, marked for staging). */
  dirty: boolean;
  /** Where the SHA came from: `berth:imageSha` (CI) or `git rev-parse HEAD`. */
  origin: "config" | "git";
}

/** What `git` says about the work tree; read by the program, given by tests. */
export interface GitState {
  head: string;
  tagsAtHead: string[];
  dirty: boolean;
  /** A hash of the uncommitted changes (tracked diff + untracked file names and contents); set when dirty. */
  dirtyFingerprint?: string;
}

/** The pack's commit SHA pattern (policy/securityLists.ts): the tag the pack's immutability rule protects. */
export const SHA_PATTERN = COMMIT_SHA;
export const SHA_ALLOWED = "a full 40-hex lowercase git commit SHA (never `latest`, never a short SHA)";
export const RELEASE_TAG_PATTERN = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
const RELEASE_ALLOWED = "a release tag vX.Y.Z (e.g. v1.4.2)";

/** The source keys of `berth:` (top level). */
export const SOURCE_KEYS = {
  imageSha: string({
    pattern: SHA_PATTERN,
    allowed: SHA_ALLOWED,
    defaultText: "git rev-parse HEAD",
    doc: "The full 40-hex commit SHA the image is built from and tagged with (CI passes it).",
  }),
  releaseTag: string({
    pattern: RELEASE_TAG_PATTERN,
    allowed: RELEASE_ALLOWED,
    defaultText: "a vX.Y.Z git tag at HEAD",
    doc: "vX.Y.Z release being built (adds the tag vX.Y.Z-<sha>).",
  }),
} as const;

/** The image tags for a revision: the primary tag, plus `vX.Y.Z-<sha>` for a clean release commit. */
export function imageTagsFor(source: SourceRevision): string[] {
  const tags = [source.tag];
  if (source.releaseTag && !source.dirty) tags.push(`${source.releaseTag}-${source.sha}`);
  return tags;
}

/** The highest `vX.Y.Z` among the tags at HEAD, if any. */
export function releaseTagAmong(tags: readonly string[]): string | undefined {
  const releases = tags.filter((t) => RELEASE_TAG_PATTERN.test(t));
  const key = (t: string) => t.slice(1).split(".").map(Number);
  releases.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
    return 0;
  });
  return releases.at(-1);
}

/**
 * Reads `berth:imageSha` / `berth:releaseTag`, else the git state (lazily: a CI run that passes the SHA never
 * shells out to git). A SHA from config is trusted as a clean checkout of that commit (CI checks out exactly it).
 */
export function readSourceRevision(
  berth: ConfigSection,
  environment: Environment,
  git: () => GitState,
): SourceRevision {
  const configSha = berth.get("imageSha", SOURCE_KEYS);
  const configRelease = berth.get("releaseTag", SOURCE_KEYS);
  if (berth.has("imageSha")) {
    const sha = configSha ?? "0".repeat(40);
    return { sha, tag: sha, releaseTag: configRelease, dirty: false, origin: "config" };
  }
  let state: GitState;
  try {
    state = git();
  } catch (e) {
    berth.problems.add(
      berth.keyPath("imageSha"),
      undefined,
      `${SHA_ALLOWED}; or run inside a git work tree with at least one commit (git said: ${String((e as Error).message ?? e).split("\n")[0]})`,
    );
    const sha = "0".repeat(40);
    return { sha, tag: sha, dirty: false, origin: "git" };
  }
  if (!SHA_PATTERN.test(state.head)) {
    berth.problems.add(berth.keyPath("imageSha"), state.head, `${SHA_ALLOWED} (from git rev-parse HEAD)`);
  }
  const releaseTag = configRelease ?? releaseTagAmong(state.tagsAtHead);
  if (state.dirty && environment === "prod") {
    berth.problems.add(
      berth.keyPath("imageSha"),
      `${state.head} (work tree has uncommitted changes)`,
      "a clean work tree for prod: commit or stash the changes (prod deploys only committed code), or deploy from CI",
    );
  }
  if (state.dirty) {
    const fingerprint = (state.dirtyFingerprint ?? "").slice(0, 12) || "unknown";
    return { sha: state.head, tag: `${state.head}-dirty-${fingerprint}`, releaseTag, dirty: true, origin: "git" };
  }
  return { sha: state.head, tag: state.head, releaseTag, dirty: false, origin: "git" };
}
