/**
 * Issue 18, item 5: the prod evaluation read the GitHub organization's plan on every run (`github.getRepository`,
 * `github.getOrganization`), and the plan field needs an organization owner's token (admin:org) that CI does not hold,
 * so on a private repository every prod preview and deploy failed. The facts are settings now
 * (`berth:delivery.githubVisibility`, `githubPlan`), given once, and the program makes no `github:*` invoke.
 *
 * GitHub's rule (github/docs data/reusables/gated-features/environments.md; https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment#required-reviewers):
 * environments, their secrets and deployment branch policies are available in public repositories on every plan, and
 * in private or internal repositories on GitHub Pro, GitHub Team or GitHub Enterprise; other protection rules
 * (required reviewers) in private or internal repositories only on GitHub Enterprise. Item 5 of issue 12: both deploy
 * environments also allow the release tags.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { ConfigError, loadSettings } from "../../infra/config";

import { RELEASE_TAG_GLOB, reviewersPlanProblem } from "../../infra/config/delivery";
import { captureProgram, prodConfig, readWorkflow, SHA, stagingOutputs } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

const ENVIRONMENT = "github:index/repositoryEnvironment:RepositoryEnvironment";
const POLICY = "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy";

function load(stack: "staging" | "prod", delivery: Record<string, unknown>) {
  const config: Record<string, unknown> = { ...fixtureStackConfig(stack), "berth:imageSha": SHA };
  const base = JSON.parse(config["berth:delivery"] as string);
  const merged: Record<string, unknown> = { ...base, ...delivery };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  config["berth:delivery"] = JSON.stringify(merged);
  return loadSettings(config as Record<string, string>, {
    stack,
    git: () => ({ head: SHA, tagsAtHead: [], dirty: false }),
  });
}
function problems(stack: "staging" | "prod", delivery: Record<string, unknown>) {
  try {
    load(stack, delivery);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return [...e.problems];
  }
  return assert.fail("expected a ConfigError");
}

test("the rule itself: public on any plan, private/internal only on Enterprise; no reviewers, no question", () => {
  const facts = (visibility: string, plan?: string) => ({ repository: "o/r", visibility, plan });
  assert.equal(reviewersPlanProblem(facts("public", "free"), ["a=1"], "prod"), undefined);
  assert.equal(reviewersPlanProblem(facts("private", "enterprise"), ["a=1"], "prod"), undefined);
  assert.equal(reviewersPlanProblem(facts("internal", "enterprise"), ["a=1"], "staging"), undefined);
  assert.equal(reviewersPlanProblem(facts("private", "team"), [], "staging"), undefined);
  for (const plan of ["free", "team", "pro"]) {
    const m = reviewersPlanProblem(facts("private", plan), ["a=1"], "staging");
    assert.ok(m, plan);
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

test("refused before anything registers: prod's reviewers on a private repository of a Team organization, naming the key, the value and the choices", () => {
  const p = problems("prod", { githubVisibility: "private", githubPlan: "team" });
  const r = p.find((x) => x.key === "berth:delivery.requiredReviewers");
  assert.ok(r, p.map((x) => x.key).join(", "));
  assert.deepEqual(r.value, ["your-github-org/release-approvers=1234567"]);
  assert.match(r.allowed, /visibility private, owner plan "team"/);
  assert.match(r.allowed, /make the repository public, or move the owner to GitHub Enterprise Cloud/);
  assert.match(r.allowed, /managing-environments-for-deployment#required-reviewers/);
  // Enterprise enforces them; a public repository on any plan too.
  assert.equal(
    load("prod", { githubVisibility: "private", githubPlan: "enterprise" }).delivery?.githubPlan,
    "enterprise",
  );
  assert.equal(
    load("prod", { githubVisibility: "public", githubPlan: undefined }).delivery?.githubVisibility,
    "public",
  );
});

test("the facts are required, named with the command that reads them; a Free plan has no private environments at all", () => {
  const none = problems("staging", { githubVisibility: undefined });
  assert.match(
    none.find((x) => x.key === "berth:delivery.githubVisibility")!.allowed,
    /gh api repos\/your-github-org\/berth --jq \.visibility/,
  );
  const noPlan = problems("staging", { githubVisibility: "private" });
  assert.match(
    noPlan.find((x) => x.key === "berth:delivery.githubPlan")!.allowed,
    /gh api orgs\/your-github-org --jq \.plan\.name/,
  );
  const free = problems("staging", { githubVisibility: "private", githubPlan: "free" });
  assert.match(
    free.find((x) => x.key === "berth:delivery.githubPlan")!.allowed,
    /only on GitHub Pro, Team or Enterprise/,
  );
  // Staging without reviewers on a private repository of a Team organization: environments yes, reviewers none.
  assert.deepEqual(
    load("staging", { githubVisibility: "private", githubPlan: "team" }).delivery?.requiredReviewers,
    [],
  );
  assert.equal(problems("staging", { githubPlan: "gold" })[0]!.key, "berth:delivery.githubPlan");
});

test("the program makes no github:* invoke: a mock that throws for every one of them changes nothing", async () => {
  const refuse = (token: string) => () => {
    throw new Error(`403 Must have admin rights to Repository / admin:org (${token})`);
  };
  const c = await captureProgram({
    stack: "prod",
    config: prodConfig({
      "berth:delivery": {
        ...JSON.parse(prodConfig()["berth:delivery"]!),
        githubVisibility: "private",
        githubPlan: "enterprise",
      },
    }),
    stackOutputs: stagingOutputs(),
    program: path.join(__dirname, "promotionProgram.ts"),
    invokes: {
      "github:index/getRepository:getRepository": refuse("getRepository"),
      "github:index/getOrganization:getOrganization": refuse("getOrganization"),
    },
  });
  assert.equal(c.error, undefined, String(c.error));
  assert.deepEqual(
    c.invokes.filter((i) => i.token.startsWith("github:")).map((i) => i.token),
    [],
  );
  const env = c.resources.filter((x) => x.type === ENVIRONMENT);
  assert.equal(env.length, 1);
  assert.deepEqual(env[0]!.inputs.reviewers, [{ users: [], teams: [1234567] }]);
  // Item 5 (issue 12): the environment allows its deploy branch and the release tags deploy.yml runs on.
  const policies = c.resources.filter((x) => x.type === POLICY).map((x) => x.inputs);
  assert.deepEqual(policies.map((p) => p.branchPattern ?? `tag:${p.tagPattern}`).sort(), [
    "main",
    `tag:${RELEASE_TAG_GLOB}`,
  ]);
  assert.deepEqual(readWorkflow("deploy.yml").doc.on.push.tags, [RELEASE_TAG_GLOB]);
});
