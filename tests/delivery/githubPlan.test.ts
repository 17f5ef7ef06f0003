/**
 * Issue 12, item 6: GitHub enforces an environment's required reviewers on public repositories on every plan, and on
 * private or internal repositories only on GitHub Enterprise (github/docs data/reusables/gated-features/environments.md:
 * "For access to other environment protection rules in private or internal repositories, you must use GitHub
 * Enterprise"; https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment#required-reviewers).
 * The program asks the GitHub provider's data sources (getRepository → visibility, getOrganization → plan) and refuses
 * reviewers GitHub would not enforce, naming berth:delivery.requiredReviewers, the value and the choices, before the
 * environment is registered. Item 5: both deploy environments also allow the release tags.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { RELEASE_TAG_GLOB, reviewersPlanProblem } from "../../infra/config/delivery";
import { captureProgram, collectingRejections, prodConfig, readWorkflow, stagingOutputs } from "../support";

interface Result {
  error?: string;
  resources: { type: string; name: string; inputs: any }[];
  invokes: { token: string; inputs: any }[];
  rejections: string[];
  engineErrors: string[];
}

/**
 * The prod stack (required reviewers: one team) with the GitHub data sources answering `visibility` and `plan` (`-`:
 * getOrganization fails as for a user account). A refused plan rejects the environment's registration; those
 * rejections are collected.
 */
async function capture(visibility: string, plan: string): Promise<Result> {
  const { result: c, rejections } = await collectingRejections(
    () =>
      captureProgram({
        stack: "prod",
        config: prodConfig(),
        stackOutputs: stagingOutputs(),
        program: path.join(__dirname, "promotionProgram.ts"),
        invokes: {
          "github:index/getRepository:getRepository": (inputs) => ({
            fullName: inputs.fullName,
            name: String(inputs.fullName).split("/")[1],
            visibility,
            id: "r",
          }),
          "github:index/getOrganization:getOrganization": (inputs) => {
            if (plan === "-") throw new Error(`GET https://api.github.com/orgs/${inputs.name}: 404 Not Found []`);
            return { name: inputs.name, login: inputs.name, plan, id: "o" };
          },
        },
      }),
    300,
  );
  return {
    error: c.error === undefined ? undefined : String(c.error),
    resources: c.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
    invokes: c.invokes.filter((i) => i.token.startsWith("github:")),
    rejections,
    engineErrors: c.errors,
  };
}

const ENVIRONMENT = "github:index/repositoryEnvironment:RepositoryEnvironment";
const POLICY = "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy";

test("the rule itself: public on any plan, private/internal only on Enterprise; no reviewers, no question", () => {
  const facts = (visibility: string, plan?: string) => ({ repository: "o/r", visibility, plan });
  assert.equal(reviewersPlanProblem(facts("public", "free"), ["a=1"], "prod"), undefined);
  assert.equal(reviewersPlanProblem(facts("private", "enterprise"), ["a=1"], "prod"), undefined);
  assert.equal(reviewersPlanProblem(facts("internal", "enterprise"), ["a=1"], "staging"), undefined);
  assert.equal(reviewersPlanProblem(facts("private", "team"), [], "staging"), undefined);
  for (const plan of ["free", "team", "pro", undefined]) {
    const m = reviewersPlanProblem(facts("private", plan), ["a=1"], "staging");
    assert.ok(m, String(plan));
    assert.match(m!, /^berth:delivery\.requiredReviewers: got \["a=1"\]; allowed: /);
    assert.match(
      m!,
      /make the repository public, move the owner to GitHub Enterprise Cloud, or set berth:delivery\.requiredReviewers to \[\] and accept the advisory/,
    );
  }
  assert.doesNotMatch(
    reviewersPlanProblem(facts("private", "team"), ["a=1"], "prod")!,
    /set berth:delivery\.requiredReviewers to \[\]/,
    "prod cannot drop its reviewers",
  );
});

test("refused: a private repository of a Team organization stops prod before its environment is registered, naming the key, the value and the choices", async () => {
  const r = await capture("private", "team");
  assert.equal(r.error, undefined, "the program loads; the refusal fails the environment's registration");
  assert.deepEqual(
    r.invokes.map((i) => i.token),
    ["github:index/getRepository:getRepository", "github:index/getOrganization:getOrganization"],
  );
  assert.equal(r.invokes[0].inputs.fullName, "your-github-org/berth");
  assert.equal(
    r.resources.filter((x) => x.type === ENVIRONMENT).length,
    0,
    "no environment registered with reviewers GitHub would not enforce",
  );
  const message = [...r.engineErrors, ...r.rejections].find((m) => m.includes("berth:delivery.requiredReviewers"));
  assert.ok(message, JSON.stringify(r.rejections));
  assert.match(message!, /got \["your-github-org\/release-approvers=1234567"\]/);
  assert.match(message!, /visibility private, owner plan "team"/);
  assert.match(message!, /make the repository public, or move the owner to GitHub Enterprise Cloud/);
  assert.match(message!, /managing-environments-for-deployment#required-reviewers/);
});

test("refused: a private repository whose owner is no readable organization (a user account) is refused too", async () => {
  const r = await capture("private", "-");
  assert.equal(r.resources.filter((x) => x.type === ENVIRONMENT).length, 0);
  const message = [...r.engineErrors, ...r.rejections].find((m) => m.includes("berth:delivery.requiredReviewers"));
  assert.match(String(message), /plan unknown \(your-github-org is no organization readable with this token/);
});

test("accepted: a private repository on GitHub Enterprise gets its environment with the reviewers; a public one is not asked its owner's plan", async () => {
  const enterprise = await capture("private", "enterprise");
  const env = enterprise.resources.filter((x) => x.type === ENVIRONMENT);
  assert.equal(env.length, 1, JSON.stringify(enterprise.rejections));
  assert.deepEqual(env[0].inputs.reviewers, [{ users: [], teams: [1234567] }]);
  assert.deepEqual(
    enterprise.rejections.filter((m) => m.includes("requiredReviewers")),
    [],
  );
  const open = await capture("public", "free");
  assert.equal(open.resources.filter((x) => x.type === ENVIRONMENT).length, 1);
  assert.deepEqual(
    open.invokes.map((i) => i.token),
    ["github:index/getRepository:getRepository"],
  );
  // Item 5: the environment allows its deploy branch and the release tags deploy.yml runs on.
  const policies = open.resources.filter((x) => x.type === POLICY).map((x) => x.inputs);
  assert.deepEqual(policies.map((p) => p.branchPattern ?? `tag:${p.tagPattern}`).sort(), [
    "main",
    `tag:${RELEASE_TAG_GLOB}`,
  ]);
  assert.deepEqual(
    readWorkflow("deploy.yml").doc.on.push.tags,
    [RELEASE_TAG_GLOB],
    "the environment allows exactly the tags the workflow runs on",
  );
});
