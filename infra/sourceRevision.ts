/** Reads the git state the image tag comes from. Owner: H3 (completes release tags and dirty handling). */
import { execFileSync } from "node:child_process";
import type { GitState } from "./config";

export function readGitState(cwd = process.cwd()): GitState {
  const git = (...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();
  return {
    head: git("rev-parse", "HEAD"),
    tagsAtHead: git("tag", "--points-at", "HEAD").split("\n").filter(Boolean),
    dirty: git("status", "--porcelain").length > 0,
  };
}
