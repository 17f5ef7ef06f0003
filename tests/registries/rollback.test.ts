/**
 * Rollback in staging: `berth:deploySha` set to an earlier SHA builds nothing and deploys that SHA's existing ECR
 * image by digest, found with aws.ecr.getImage.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { none, OLD_SHA, REGION, registryResources, SHA, sortedList, STAGING_ACCOUNT } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

const OLD_DIGEST = `sha256:${"cd".repeat(32)}`;
const ECR_REPO = `${STAGING_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/berth`;
let stack: CapturedStack;

before(async () => {
  const config = {
    ...fixtureStackConfig("staging"),
    "berth:imageSha": SHA,
    "berth:deploySha": OLD_SHA,
    "berth:ghcrToken": "ghp_offline",
  };
  stack = await captureStack({
    stack: "staging",
    config,
    secretKeys: ["berth:ghcrToken"],
    invokes: {
      "aws:ecr/getImage:getImage": (inputs) => {
        if (inputs.repositoryName !== "berth" || inputs.imageTag !== OLD_SHA)
          throw new Error(`ImageNotFoundException: ${JSON.stringify(inputs)}`);
        return {
          id: OLD_DIGEST,
          imageDigest: OLD_DIGEST,
          imageTag: OLD_SHA,
          imageTags: [OLD_SHA, `v1.3.0-${OLD_SHA}`],
          imagePushedAt: 1760000000,
          imageSizeInBytes: 12345678,
          imageUri: `${ECR_REPO}@${OLD_DIGEST}`,
          registryId: STAGING_ACCOUNT,
          repositoryName: "berth",
          region: REGION,
        };
      },
    },
  });
  assert.equal(stack.error, undefined, String((stack.error as Error)?.stack ?? stack.error));
});

test("the rollback path registers no build: the same registries, an ExistingImage instead of the AppImage", () => {
  assert.deepEqual(sortedList(registryResources(stack)), [
    "aws:ecr/lifecyclePolicy:LifecyclePolicy app-cache-lifecycle",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy app-lifecycle",
    "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration app-scanning",
    "aws:ecr/replicationConfiguration:ReplicationConfiguration app-replication",
    "aws:ecr/repository:Repository app",
    "aws:ecr/repository:Repository app-cache",
    "aws:ecr/repositoryPolicy:RepositoryPolicy pull",
    "aws:kms/alias:Alias app-key-alias",
    "aws:kms/key:Key app-key",
    "berth:image:ExistingImage image",
    "berth:providers:CloudProviders berth",
    "berth:registries:ArtifactRegistryRepository app",
    "berth:registries:EcrRepository app",
    "gcp:artifactregistry/repository:Repository app",
    "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember app-pusher-writer",
    "gcp:projects/service:Service app-artifactregistry",
    "gcp:projects/service:Service app-containerscanning",
    "gcp:serviceaccount/account:Account app-pusher",
    "pulumi:providers:aws berth-aws",
    "pulumi:providers:gcp berth-gcp",
  ]);
  assert.ok(none(stack, "docker-build:index:Image"));
  assert.ok(none(stack, "docker:index/image:Image"));
  assert.ok(none(stack, "berth:image:AppImage"));
  assert.ok(
    !stack.invokes.some((i) => i.token === "aws:ecr/getAuthorizationToken:getAuthorizationToken"),
    "no registry login: nothing is pushed",
  );
});

test("the rollback SHA is looked up in this stack's ECR repository by tag", () => {
  const lookups = stack.invokes.filter((i) => i.token === "aws:ecr/getImage:getImage");
  assert.equal(lookups.length, 1);
  assert.equal(lookups[0].inputs.repositoryName, "berth");
  assert.equal(lookups[0].inputs.imageTag, OLD_SHA);
  assert.equal(lookups[0].inputs.registryId, STAGING_ACCOUNT);
});

test("the services run the old image by digest; outputs name the rollback SHA and digest", () => {
  const o = stack.outputs as Record<string, any>;
  assert.equal(o.imageDigest, OLD_DIGEST);
  assert.equal(o.imageDigestRef, `${ECR_REPO}@${OLD_DIGEST}`);
  assert.deepEqual(o.imageRefs, { ecr: `${ECR_REPO}:${OLD_SHA}` });
  assert.equal(o.sourceSha, OLD_SHA, "the deployed SHA is the rollback SHA, not HEAD");
  const taskDefinitions = stack.resources.filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition");
  assert.ok(taskDefinitions.length > 0);
  for (const td of taskDefinitions) {
    const containers = JSON.parse(td.inputs.containerDefinitions);
    assert.equal(containers[0].image, `${ECR_REPO}@${OLD_DIGEST}`, td.name);
  }
});
