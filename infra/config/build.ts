/**
 * `berth:build`: how the stack's one image is built: which Dockerfile, from which context, to which stage, with which
 * extra build arguments. The defaults build the sample app (the root `Dockerfile`, whose allow-list .dockerignore
 * sends `app/` only); another app points these at its own folder (docs/your-app.md). Paths are relative to the
 * project directory (where Pulumi.yaml is: the program's working directory under the CLI) and stay inside it, so a
 * build is the same on a laptop and in CI.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ConfigSection } from "./section";
import { isSecretLookingName } from "../../policy/securityLists";
import { string, stringMap, type Infer } from "./declare";

/** The project directory: the repository root, two levels above this file. */
const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** A relative path that stays inside the project: no leading `/`, no `..` segment, no backslash. */
const PROJECT_PATH = /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._@+/-]{1,255}$/;
const PROJECT_PATH_ALLOWED = "a path relative to the project directory, inside it (no leading /, no ..)";
/** Build arguments the program sets itself (infra/registries/image.ts imageBuildArgs, the local build). */
const PROGRAM_BUILD_ARGS = ["GIT_SHA", "VERSION", "SOURCE_URL", "SOURCE_DATE_EPOCH", "BUILD_TIME"] as const;

export const BUILD = {
  dockerfile: string({
    default: "Dockerfile",
    pattern: PROJECT_PATH,
    allowed: `${PROJECT_PATH_ALLOWED}, naming an existing Dockerfile`,
    doc: "The Dockerfile, relative to the project directory (e.g. examples/your-app/Dockerfile).",
  }),
  context: string({
    default: ".",
    pattern: PROJECT_PATH,
    allowed: `${PROJECT_PATH_ALLOWED}, naming an existing folder`,
    doc: "The build context folder, relative to the project directory (its .dockerignore applies).",
  }),
  target: string({
    pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/,
    allowed: "the name of a stage of the Dockerfile (FROM ... AS <name>)",
    defaultText: "the Dockerfile's last stage",
    doc: "The stage to build.",
  }),
  args: stringMap({
    keyPattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
    doc: "Extra build arguments (ARG), visible in the image's history: never a secret.",
  }),
} as const;

export type BuildSettings = Infer<typeof BUILD>;

/** Reads `berth:build`; `exists` (tests give their own) says whether a path of the project exists and is a file/folder. */
export function readBuildSettings(
  s: ConfigSection,
  exists: (relativePath: string, kind: "file" | "folder") => boolean = projectPathExists,
): BuildSettings {
  const dockerfile = s.get("dockerfile", BUILD);
  const context = s.get("context", BUILD);
  if (PROJECT_PATH.test(dockerfile) && !exists(dockerfile, "file"))
    s.problems.add(s.keyPath("dockerfile"), dockerfile, `${PROJECT_PATH_ALLOWED}: no such file`);
  if (PROJECT_PATH.test(context) && !exists(context, "folder"))
    s.problems.add(s.keyPath("context"), context, `${PROJECT_PATH_ALLOWED}: no such folder`);
  const args = s.get("args", BUILD);
  for (const name of Object.keys(args)) {
    if ((PROGRAM_BUILD_ARGS as readonly string[]).includes(name))
      s.problems.add(
        `${s.keyPath("args")}.${name}`,
        args[name],
        `a name other than ${PROGRAM_BUILD_ARGS.join(", ")} (the program sets them from the commit)`,
      );
    else if (isSecretLookingName(name))
      s.problems.add(
        `${s.keyPath("args")}.${name}`,
        "(value hidden)",
        "a non-secret build argument: build arguments stay readable in the image's history",
      );
  }
  const out: BuildSettings = { dockerfile, context, target: s.get("target", BUILD), args };
  s.done();
  return out;
}

function projectPathExists(relativePath: string, kind: "file" | "folder"): boolean {
  try {
    const stat = fs.statSync(path.join(PROJECT_DIR, relativePath));
    return kind === "file" ? stat.isFile() : stat.isDirectory();
  } catch {
    return false;
  }
}
