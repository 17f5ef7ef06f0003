/**
 * The `docker buildx build` arguments of the image a stack's `pulumi up` builds, from the program's own functions
 * (infra/registries/image.ts: imageBuildLocation, imageBuildArgs, imageLabels; the stack's `berth:build` and
 * `berth:platform`), so that the deploy workflow's scan job builds and scans that image before staging runs it.
 * One argument per line (bash: `mapfile -t ARGS < <(...)`). The build is reproducible
 * (tests/container/reproducible.test.ts): the same commit and arguments give the same layers.
 *
 *   node --import tsx offline/scanBuild.ts <stack>    # reads Pulumi.<stack>.yaml; berth:imageSha from IMAGE_SHA,
 *                                                      # berth:releaseTag from RELEASE_TAG, the repository of the
 *                                                      # run from GITHUB_REPOSITORY (checked as the program does)
 */
import { loadSettings, type Settings } from "../infra/config";
import { commitEpoch } from "../infra/config/gitState";
import { imageBuildArgs, imageBuildLocation, imageLabels } from "../infra/registries/image";
import { readStackConfig, REPO_ROOT } from "./mockRuntime";

/** The build arguments of `settings`' image, relative to `cwd` (the program runs from the project directory). */
export function scanBuildArguments(settings: Settings, cwd: string, epochSeconds?: number): string[] {
  if (settings.target !== "aws") throw new Error(`stack ${settings.stack}: only an aws stack builds in CI`);
  const location = imageBuildLocation(settings.build, cwd);
  const buildArgs = { ...settings.build.args, ...imageBuildArgs(settings, epochSeconds) };
  return [
    "--platform",
    settings.image.platform,
    "--file",
    location.dockerfile.location,
    ...(location.target ? ["--target", location.target] : []),
    ...Object.entries(buildArgs).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]),
    ...Object.entries(imageLabels(settings)).flatMap(([k, v]) => ["--label", `${k}=${v}`]),
    location.context.location,
  ];
}

if (require.main === module) {
  const stack = process.argv[2] ?? "staging";
  const config = readStackConfig(stack);
  if (process.env.IMAGE_SHA) config["berth:imageSha"] = process.env.IMAGE_SHA;
  if (process.env.RELEASE_TAG) config["berth:releaseTag"] = process.env.RELEASE_TAG;
  const settings = loadSettings(config, {
    stack,
    git: () => {
      throw new Error("set IMAGE_SHA (the commit the workflow builds)");
    },
    githubRepository: process.env.GITHUB_REPOSITORY || undefined,
  });
  const sha = settings.source.sha;
  process.stdout.write(scanBuildArguments(settings, process.cwd(), commitEpoch(sha, REPO_ROOT)).join("\n") + "\n");
}
