/**
 * The deploy workflow's scan job builds the image with `docker buildx build $(offline/scanBuild.ts staging)` and
 * scans it before staging runs anything: those arguments must be the build the staging `pulumi up` registers (the
 * docker-build Image's platform, Dockerfile, target, context, build arguments and labels), or the scan would judge
 * another image. Checked against the program under mocks, with a `berth:build` that sets every field.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSettings } from "../../infra/config";
import { commitEpoch } from "../../infra/config/gitState";
import { REPO_ROOT } from "../../offline/mockRuntime";
import { scanBuildArguments } from "../../offline/scanBuild";
import { captureProgram } from "../support/capture";
import { one, stackConfig } from "../support";

/** `--flag value` pairs of an argument list (repeated flags collected), and the trailing context. */
function parse(args: string[]) {
  const flags: Record<string, string[]> = {};
  for (let i = 0; i < args.length - 1; i += 2) (flags[args[i]] ??= []).push(args[i + 1]);
  return { flags, context: args.at(-1) };
}
const pairs = (list: string[] = []) =>
  Object.fromEntries(list.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));

for (const [title, overrides] of [
  ["the staging fixture (the repository's Dockerfile, default platform)", {}],
  [
    "a stack with its own build (Dockerfile, context, target, extra arguments, arm64) and a release",
    {
      "berth:build": {
        dockerfile: "examples/your-app/Dockerfile",
        context: "examples/your-app",
        target: "runtime",
        args: { APP_FLAVOR: "full" },
      },
      "berth:platform": "linux/arm64",
      "berth:releaseTag": "v1.4.2",
    },
  ],
] as const) {
  test(`scan build arguments = the staging Image's inputs: ${title}`, async () => {
    const config = stackConfig("staging", overrides as Record<string, unknown>);
    const stack = await captureProgram({ stack: "staging", config });
    assert.equal(stack.error, undefined, String(stack.error));
    const image = one(stack, "docker-build:index:Image", "image").inputs;
    const settings = loadSettings(config, { stack: "staging", git: () => assert.fail("the SHA is given") });
    const { flags, context } = parse(
      scanBuildArguments(settings, process.cwd(), commitEpoch(settings.source.sha, REPO_ROOT)),
    );
    assert.deepEqual(flags["--platform"], image.platforms);
    assert.deepEqual(flags["--file"], [image.dockerfile.location]);
    assert.deepEqual(flags["--target"], image.target === undefined ? undefined : [image.target]);
    assert.equal(context, image.context.location);
    assert.deepEqual(pairs(flags["--build-arg"]), image.buildArgs);
    assert.deepEqual(pairs(flags["--label"]), image.labels);
    if ("berth:build" in overrides) {
      assert.deepEqual(flags["--target"], ["runtime"], "the stack's target reaches both");
      assert.equal(pairs(flags["--build-arg"]).APP_FLAVOR, "full");
      assert.equal(pairs(flags["--build-arg"]).VERSION, "1.4.2");
    }
  });
}
