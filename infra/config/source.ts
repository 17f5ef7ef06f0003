/** The commit the image is built from and tagged by. Owner: registries/image engineer (H3). */
export interface SourceRevision {
  /** Full 40-hex git commit SHA: the image tag. */
  sha: string;
  /** `vX.Y.Z` when that git tag points at the commit; adds the image tag `vX.Y.Z-<sha>`. */
  releaseTag?: string;
  /** True when the work tree had uncommitted changes (refused for prod, marked for staging). */
  dirty: boolean;
  /** Where the SHA came from. */
  origin: "config" | "git";
}

/** What `git` says about the work tree; read by the program, given by tests. */
export interface GitState {
  head: string;
  tagsAtHead: string[];
  dirty: boolean;
}
