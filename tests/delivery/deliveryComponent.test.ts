/**
 * Delivery constructed directly with its sections and plain inputs (no stack program): the pushing stack (staging,
 * with Artifact Registry and GHCR) and a promoting one (prod, required reviewers) in one process under
 * `pulumi.runtime.setMocks`: each construction's children.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type AwsStackSettings } from "../../infra/config";
import { Delivery } from "../../infra/delivery";
import { childOf, childrenOfType, construct } from "../support/componentMocks";
import { awsStackSettings } from "../support";

const delivery = (s: AwsStackSettings, withArtifactRegistry: boolean) =>
  construct(
    () =>
      new Delivery("delivery", {
        delivery: s.delivery,
        aws: s.aws,
        gcp: s.gcp,
        github: s.github,
        project: s.project,
        stack: s.stack,
        environment: s.environment,
        tags: s.tags,
        pushesImages: !s.promotion,
        ghcr: s.ghcr,
        imageName: s.image.name,
        ecrRepositoryArns: [`arn:aws:ecr:eu-west-1:${s.aws.accountId}:repository/berth`],
        ecrRepositoryUrl: `${s.aws.accountId}.dkr.ecr.eu-west-1.amazonaws.com/berth`,
        artifactRegistry: withArtifactRegistry
          ? {
              repository: "berth",
              location: "europe-west1",
              project: s.gcp.project,
              url: `europe-west1-docker.pkg.dev/${s.gcp.project}/berth`,
            }
          : undefined,
      }),
    s.stack,
  );

const variables = (children: Awaited<ReturnType<typeof delivery>>["children"]) =>
  Object.fromEntries(
    childrenOfType(children, "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable").map((v) => [
      v.state.variableName,
      v.state.value,
    ]),
  );

test("Delivery, staging (pushes): deploy role of its environment only, WIF pool, AR writer, GHCR and AR variables", async () => {
  const s = awsStackSettings("staging");
  const { component, children } = await delivery(s, true);
  const deploy = childOf(children, "aws:iam/role:Role", "delivery-deploy").state;
  assert.equal(deploy.name, "berth-staging-github-deploy");
  const trust = JSON.parse(deploy.assumeRolePolicy);
  assert.equal(
    trust.Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"],
    `repository_owner_id:${s.delivery.githubOwnerId}:repository_id:${s.delivery.githubRepositoryId}:environment:${s.delivery.githubEnvironment}`,
  );
  assert.ok(childrenOfType(children, "aws:iam/policy:Policy").length > 0, "the allows in managed policies");
  assert.equal(
    childOf(children, "gcp:serviceaccount/account:Account", "delivery-deployer").state.accountId,
    "berth-staging-deploy",
  );
  assert.equal(
    childOf(children, "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", "delivery-deployer-registry")
      .state.role,
    "roles/artifactregistry.writer",
  );
  const vars = variables(children);
  assert.equal(vars.PULUMI_STACK, "staging");
  assert.equal(vars.GHCR_IMAGE, `ghcr.io/${s.github.owner.toLowerCase()}/berth`);
  assert.equal(vars.ARTIFACT_REGISTRY_URL, `europe-west1-docker.pkg.dev/${s.gcp.project}/berth`);
  assert.equal(
    childOf(children, "github:index/repositoryEnvironment:RepositoryEnvironment", "delivery-environment").state
      .environment,
    s.delivery.githubEnvironment,
  );
  assert.ok(component.deployRole);
});

test("Delivery, prod (promotes): no GHCR or AR variable, reviewers on its environment, its own names", async () => {
  const s = awsStackSettings("prod");
  assert.ok(s.promotion, "prod promotes");
  const { children } = await delivery(s, false);
  assert.equal(childOf(children, "aws:iam/role:Role", "delivery-deploy").state.name, "berth-prod-github-deploy");
  assert.equal(childrenOfType(children, "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember").length, 0);
  const vars = variables(children);
  assert.equal(vars.PULUMI_STACK, "prod");
  assert.equal(vars.GHCR_IMAGE, undefined, "a promoting stack pushes nothing");
  assert.equal(vars.ARTIFACT_REGISTRY_URL, undefined);
  const environment = childOf(
    children,
    "github:index/repositoryEnvironment:RepositoryEnvironment",
    "delivery-environment",
  ).state;
  assert.deepEqual(environment.reviewers, [{ users: [], teams: [1234567] }]);
  assert.equal(
    childOf(children, "gcp:serviceaccount/account:Account", "delivery-previewer").state.accountId,
    "berth-prod-preview",
  );
});
