/**
 * Rollback to a SHA with no image in ECR: a clear error naming the key, the SHA, the repository and how to list the
 * SHAs that exist. The components run under their own mocks here (the whole program's exported outputs would
 * never resolve once the lookup fails, so the stack-level capture cannot observe the error).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "../../infra/config";
import { EcrRepository, ExistingImage } from "../../infra/registries";

import { OLD_SHA, REGION, SHA, STAGING_ACCOUNT } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

const lookups: Record<string, any>[] = [];
/**
 * Under the CLI, the failed lookup ends the program: the runtime reports the rejected outputs (the stack outputs
 * and the services' digest references) with the message below. Here they are collected (this file is its own
 * process), and asserted to carry that message.
 */
const rejections: unknown[] = [];

test("a rollback SHA missing from ECR fails with a clear error; nothing is built", async () => {
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", (e) => rejections.push(e));
  const registered: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push(args.type);
        const state: Record<string, any> = { ...args.inputs };
        if (args.type === "aws:ecr/repository:Repository")
          state.repositoryUrl = `${STAGING_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${args.inputs.name}`;
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        if (args.token !== "aws:ecr/getImage:getImage") throw new Error(`unexpected invoke ${args.token}`);
        lookups.push(args.inputs);
        throw new Error(
          "ImageNotFoundException: The image with imageId {imageTag:'" + args.inputs.imageTag + "'} does not exist",
        );
      },
    },
    "berth",
    "staging",
    false,
  );
  const settings = loadSettings(
    { ...fixtureStackConfig("staging"), "berth:imageSha": SHA, "berth:deploySha": OLD_SHA },
    {
      stack: "staging",
      git: () => {
        throw new Error("git not needed");
      },
    },
  );
  if (settings.target !== "aws") assert.fail("staging is an aws stack");
  const { aws, environment, stack } = settings;
  const ecr = new EcrRepository("app", { ecr: settings.ecr, aws, imageName: settings.image.name, stack, environment });
  const release = new ExistingImage("image", {
    aws,
    imageName: settings.image.name,
    ecr,
    sha: settings.image.deploySha!,
  });

  const settle = (o: pulumi.Output<string>) =>
    (o as any).promise().then(
      () => undefined,
      (e: Error) => e,
    ) as Promise<Error | undefined>;
  const [error, refError] = await Promise.all([settle(release.digest), settle(release.ecrDigestRef)]);
  assert.equal(refError?.message, error?.message, "the digest-pinned reference fails the same way");
  assert.ok(error instanceof Error, "the digest must not resolve");
  assert.match(error.message, new RegExp(`^berth:deploySha: no image tagged ${OLD_SHA} in ECR repository berth`));
  assert.match(error.message, new RegExp(`registry ${STAGING_ACCOUNT}, ${REGION}`));
  assert.match(error.message, /aws ecr describe-images --repository-name berth/);
  assert.deepEqual(lookups, [{ repositoryName: "berth", registryId: STAGING_ACCOUNT, imageTag: OLD_SHA }]);
  await (pulumi.runtime as any).waitForRPCs?.();
  assert.ok(!registered.some((t) => t.startsWith("docker-build:") || t.startsWith("docker:")), "no build");
  await new Promise((r) => setTimeout(r, 100));
  for (const e of rejections) assert.match(String((e as Error)?.message ?? e), /berth:deploySha: no image tagged/);
});
