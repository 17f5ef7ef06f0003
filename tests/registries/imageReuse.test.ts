/**
 * A build for a commit whose image ECR already has (a re-run, a changed registry list or build arg): every registry
 * in front of ECS has IMMUTABLE tags, so a second push of `<sha>` is refused (ECR ImageTagAlreadyExistsException,
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html). The program looks the primary
 * tag up first (aws.ecr.getImage, as the rollback path does) and, when it exists, pushes nothing and deploys the
 * pushed digest. Also: the docker-build Image is retained on delete (pulumi-docker-build#581: deleting or replacing
 * an Image deletes the tags it pushed), and the build args carry the commit's time, never the clock.
 */
import { execFileSync } from "node:child_process";
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { one, REGION, STAGING_ACCOUNT } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

// A real commit of this repository, so the build args' commit time comes from git itself.
const git = (...args: string[]) => execFileSync("git", args, { cwd: __dirname, encoding: "utf8" }).trim();
const SHA = git("rev-parse", "HEAD");
const PUSHED_DIGEST = `sha256:${"ab".repeat(32)}`;
const ECR_REPO = `${STAGING_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/berth`;
let stack: CapturedStack;

before(async () => {
  const config = { ...fixtureStackConfig("staging"), "berth:imageSha": SHA, "berth:ghcrToken": "ghp_offline" };
  stack = await captureStack({
    stack: "staging",
    config,
    secretKeys: ["berth:ghcrToken"],
    invokes: {
      // ECR's answer for this repository: the primary tag exists; anything else does not.
      "aws:ecr/getImage:getImage": (inputs) => {
        if (inputs.repositoryName !== "berth" || inputs.imageTag !== SHA) {
          throw new Error(
            `ImageNotFoundException: The image with imageId {imageTag:'${inputs.imageTag}'} does not exist within the repository with name '${inputs.repositoryName}'`,
          );
        }
        return {
          id: PUSHED_DIGEST,
          imageDigest: PUSHED_DIGEST,
          imageTag: SHA,
          imageTags: [SHA],
          imageUri: `${ECR_REPO}@${PUSHED_DIGEST}`,
          registryId: STAGING_ACCOUNT,
          repositoryName: "berth",
          region: REGION,
        };
      },
    },
  });
  assert.equal(stack.error, undefined, String((stack.error as Error)?.stack ?? stack.error));
});

test("the primary tag is looked up in this stack's ECR repository before the build", () => {
  const lookups = stack.invokes.filter((i) => i.token === "aws:ecr/getImage:getImage");
  assert.equal(lookups.length, 1);
  assert.deepEqual(
    {
      repositoryName: lookups[0].inputs.repositoryName,
      imageTag: lookups[0].inputs.imageTag,
      registryId: lookups[0].inputs.registryId,
    },
    { repositoryName: "berth", imageTag: SHA, registryId: STAGING_ACCOUNT },
  );
});

test("ECR already has <sha>: no tag is pushed to any registry (no overwrite of an immutable tag)", () => {
  const image = one(stack, "docker-build:index:Image", "image").inputs;
  assert.equal(image.push, false);
  assert.deepEqual(image.tags, []);
  assert.deepEqual(image.exports, [{ cacheonly: {} }]);
});

test("ECR already has <sha>: the services deploy the pushed digest", () => {
  const o = stack.outputs as Record<string, any>;
  assert.equal(o.imageDigest, PUSHED_DIGEST);
  assert.equal(o.imageDigestRef, `${ECR_REPO}@${PUSHED_DIGEST}`);
  const taskDefs = stack.resources.filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition");
  assert.ok(taskDefs.length > 0);
  for (const td of taskDefs) {
    for (const c of JSON.parse(td.inputs.containerDefinitions))
      assert.equal(c.image, `${ECR_REPO}@${PUSHED_DIGEST}`, td.name);
  }
});

test("the docker-build Image is retained on delete (pulumi-docker-build#581: it deletes its pushed tags otherwise)", () => {
  const image = one(stack, "docker-build:index:Image", "image");
  assert.equal(image.options?.retainOnDelete, true);
});

test("the build args carry the commit's time (SOURCE_DATE_EPOCH, BUILD_TIME), as git reports it", () => {
  const args = one(stack, "docker-build:index:Image", "image").inputs.buildArgs;
  const iso = execFileSync("git", ["show", "-s", "--format=%cd", "--date=format-local:%Y-%m-%dT%H:%M:%SZ", SHA], {
    cwd: __dirname,
    encoding: "utf8",
    env: { ...process.env, TZ: "UTC" },
  }).trim();
  assert.equal(args.BUILD_TIME, iso);
  assert.equal(new Date(Number(args.SOURCE_DATE_EPOCH) * 1000).toISOString().replace(".000Z", "Z"), iso);
});
