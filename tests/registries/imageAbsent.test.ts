/**
 * A build for a commit ECR does not have yet (aws.ecr.getImage fails with ImageNotFoundException, the ECR API's
 * error for a missing tag, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html):
 * the image is built and pushed with every tag, and the services deploy the built digest.
 * (The other case, ECR already has the tag: tests/registries/imageReuse.test.ts.)
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { one, REGION, SHA, STAGING_ACCOUNT } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

const ECR_REPO = `${STAGING_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/berth`;
let stack: CapturedStack;

before(async () => {
  stack = await captureStack({
    stack: "staging",
    config: { ...fixtureStackConfig("staging"), "berth:imageSha": SHA, "berth:ghcrToken": "ghp_offline" },
    secretKeys: ["berth:ghcrToken"],
    invokes: {
      "aws:ecr/getImage:getImage": (inputs) => {
        throw new Error(
          `ImageNotFoundException: The image with imageId {imageTag:'${inputs.imageTag}'} does not exist within the repository with name '${inputs.repositoryName}'`,
        );
      },
    },
  });
  assert.equal(stack.error, undefined, String((stack.error as Error)?.stack ?? stack.error));
});

test("ECR has no <sha>: built and pushed with every tag; the services deploy the built digest", () => {
  assert.ok(
    stack.invokes.some((i) => i.token === "aws:ecr/getImage:getImage" && i.inputs.imageTag === SHA),
    "looked up first",
  );
  const image = one(stack, "docker-build:index:Image", "image");
  assert.equal(image.inputs.push, true);
  assert.ok(image.inputs.tags.includes(`${ECR_REPO}:${SHA}`), image.inputs.tags.join(", "));
  const o = stack.outputs as Record<string, any>;
  assert.equal(o.imageDigest, image.state.digest);
  assert.equal(o.imageDigestRef, `${ECR_REPO}@${image.state.digest}`);
});
