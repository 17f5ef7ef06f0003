/**
 * The GCP pool provider's attribute mapping, evaluated on the tokens GitHub really issues, and the two bindings that
 * rely on it (the deployer's exact subject, the previewer's repository set), as the staging stack registers them.
 *
 * Rules encoded here:
 * - GitHub adds the `environment` claim only to a job that references an environment ("The name of the environment
 *   used by the job. To include the environment claim you must reference an environment."), so a pull request
 *   preview's token has none. https://docs.github.com/en/actions/reference/security/oidc ("OIDC token claims", and
 *   the example token there, whose claims the tokens below copy).
 * - In CEL, selecting an absent key of a map (`assertion.environment` on a token without it) is an evaluation error;
 *   `has(assertion.environment)` tests presence instead (cel-spec doc/langdef.md, "Field Selection" and "Macros").
 * - Google evaluates every expression of `attributeMapping` at token exchange ("Each value must be a Common
 *   Expression Language function that maps an identity provider credential to the normalized attribute"), and a
 *   mapped attribute must be a string ("The mapped attribute 'google.subject' must be of type STRING",
 *   google-github-actions/auth#378); a principalSet can only name an attribute that is mapped
 *   (google-github-actions/auth docs/TROUBLESHOOTING.md).
 * - Under a repository's subject template GitHub writes `sub` as each included claim `key:value`, in order, joined
 *   with `:`; `context` is `environment:<name>` in an environment, `pull_request` for a pull request, else `ref:<ref>`
 *   (https://docs.github.com/en/actions/reference/security/oidc, "Customizing the subject claims for an organization
 *   or repository"). `repository_id` and `repository_owner_id` are in every token, as strings.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { GITHUB_ATTRIBUTE_MAPPING, githubAttributeCondition } from "../../infra/delivery";
import { one, SHA } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

const REPO = "your-github-org/berth";
/** The stack files' berth:delivery.githubOwnerId / githubRepositoryId. */
const OWNER_ID = "100000001";
const REPOSITORY_ID = "200000002";
/** GitHub's default template (`repo`, `context`), what a repository without a custom one gets. */
const DEFAULT_TEMPLATE = ["repo", "context"];

/** GitHub's `sub` for a token's claims under a template (the rule above). */
function renderSubject(keys: readonly string[], claims: Record<string, unknown>): string {
  return keys
    .map((key) => {
      if (key === "repo") return `repo:${String(claims.repository)}`;
      if (key === "context") {
        if ("environment" in claims) return `environment:${String(claims.environment)}`;
        return claims.event_name === "pull_request" ? "pull_request" : `ref:${String(claims.ref)}`;
      }
      if (!(key in claims)) throw new Error(`no claim ${key}`);
      return `${key}:${String(claims[key])}`;
    })
    .join(":");
}

/** The claims of GitHub's documented example token, for this repository; `environment` only when a job has one. */
function githubToken(
  job: { environment: string } | { pullRequest: number },
  template: readonly string[] = DEFAULT_TEMPLATE,
): Record<string, unknown> {
  const common = {
    jti: "example-id",
    aud: "https://github.com/your-github-org",
    sha: "example-sha",
    repository: REPO,
    repository_owner: "your-github-org",
    actor_id: "12",
    repository_visibility: "private",
    repository_id: REPOSITORY_ID,
    repository_owner_id: OWNER_ID,
    run_id: "example-run-id",
    run_number: "10",
    run_attempt: "2",
    runner_environment: "github-hosted",
    actor: "octocat",
    workflow: "example-workflow",
    job_workflow_ref: `${REPO}/.github/workflows/deploy.yml@refs/heads/main`,
    iss: "https://token.actions.githubusercontent.com",
    nbf: 1632492967,
    exp: 1632493867,
    iat: 1632493567,
  };
  if ("environment" in job) {
    const claims = {
      ...common,
      environment: job.environment,
      ref: "refs/heads/main",
      ref_type: "branch",
      event_name: "push",
      head_ref: "",
      base_ref: "",
    };
    return { ...claims, sub: renderSubject(template, claims) };
  }
  const claims = {
    ...common,
    ref: `refs/pull/${job.pullRequest}/merge`,
    ref_type: "branch",
    event_name: "pull_request",
    head_ref: "feature",
    base_ref: "main",
  };
  return { ...claims, sub: renderSubject(template, claims) };
}

class CelError extends Error {}

/**
 * The CEL forms an attribute mapping may use here, with CEL's semantics for each: `assertion.<claim>` (an error when
 * the claim is absent), `has(assertion.<claim>) ? <expr> : <expr>`, a string literal. Anything else is refused, so a
 * new form needs a deliberate extension of this model.
 */
function evaluate(expression: string, assertion: Record<string, unknown>): unknown {
  const e = expression.trim();
  const and = e.split(/\s+&&\s+/);
  if (and.length > 1) return and.every((part) => evaluate(part, assertion) === true);
  const ternary = /^has\(assertion\.([a-z_]+)\)\s*\?\s*(.+?)\s*:\s*(.+)$/.exec(e);
  if (ternary) return ternary[1]! in assertion ? evaluate(ternary[2]!, assertion) : evaluate(ternary[3]!, assertion);
  const select = /^assertion\.([a-z_]+)$/.exec(e);
  if (select) {
    if (!(select[1]! in assertion)) throw new CelError(`no such key: ${select[1]}`);
    return assertion[select[1]!];
  }
  const literal = /^(["'])([^"'\\]*)\1$/.exec(e);
  if (literal) return literal[2];
  const equals = /^assertion\.([a-z_]+)\s*==\s*"([^"\\]*)"$/.exec(e);
  if (equals) return evaluate(`assertion.${equals[1]}`, assertion) === equals[2];
  throw new Error(`the test's CEL model does not know the form ${JSON.stringify(expression)}`);
}

/** Google's token exchange: the condition must hold, and every mapped attribute must evaluate to a string. */
function exchange(
  token: Record<string, unknown>,
  mapping: Record<string, string>,
  condition: string,
): Record<string, string> {
  if (evaluate(condition, token) !== true) throw new Error("attribute condition rejected the token");
  const attributes: Record<string, string> = {};
  for (const [key, expression] of Object.entries(mapping)) {
    const value = evaluate(expression, token);
    if (typeof value !== "string") throw new Error(`the mapped attribute '${key}' must be of type STRING`);
    attributes[key] = value;
  }
  return attributes;
}

const deployJob = githubToken({ environment: "staging" });
const previewJob = githubToken({ pullRequest: 7 });

test("the CEL model: an absent claim is an error, has() guards it (cel-spec langdef, Field Selection)", () => {
  assert.throws(() => evaluate("assertion.environment", previewJob), CelError);
  assert.equal(evaluate('has(assertion.environment) ? assertion.environment : ""', previewJob), "");
  assert.equal(evaluate('has(assertion.environment) ? assertion.environment : ""', deployJob), "staging");
  assert.ok(!("environment" in previewJob), "GitHub: no environment claim for a job without an environment");
});

test("every mapped attribute evaluates on a pull request preview's token (no environment claim) and on a deploy job's token", () => {
  const condition = githubAttributeCondition({ ownerId: Number(OWNER_ID), repositoryId: Number(REPOSITORY_ID) });
  for (const [job, token] of [
    ["preview (pull_request)", previewJob],
    ["deploy (environment staging)", deployJob],
  ] as const) {
    assert.doesNotThrow(() => exchange(token, GITHUB_ATTRIBUTE_MAPPING, condition), job);
  }
});

let c: CapturedStack;
before(async () => {
  c = await captureStack({ stack: "staging", config: { ...fixtureStackConfig("staging"), "berth:imageSha": SHA } });
  assert.equal(c.error, undefined, String(c.error));
});

test("the condition keys on the ids: a token of another repository that took over the names is refused", () => {
  const condition = githubAttributeCondition({ ownerId: Number(OWNER_ID), repositoryId: Number(REPOSITORY_ID) });
  const squatter: Record<string, unknown> = { ...deployJob, repository_owner_id: "999", repository_id: "998" };
  assert.equal(squatter.repository, REPO, "same owner/repository names");
  assert.throws(() => exchange(squatter, GITHUB_ATTRIBUTE_MAPPING, condition), /attribute condition rejected/);
});

test("staging as registered: the deployer's principal is the deploy job's subject under the registered template; the previewer's principalSet matches a pull request token", () => {
  // The subject template the stack sets on the repository (GitHub writes every token's sub from it).
  const template = one(
    c,
    "github:index/actionsRepositoryOidcSubjectClaimCustomizationTemplate:ActionsRepositoryOidcSubjectClaimCustomizationTemplate",
    "delivery-oidc-subject",
  ).inputs;
  assert.equal(template.useDefault, false);
  const deployJob = githubToken({ environment: "staging" }, template.includeClaimKeys);
  const previewJob = githubToken({ pullRequest: 7 }, template.includeClaimKeys);
  const provider = one(c, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider", "delivery-pool-github");
  const mapping = provider.inputs.attributeMapping as Record<string, string>;
  const condition = String(provider.inputs.attributeCondition);

  const deployer = String(one(c, "gcp:serviceaccount/iAMMember:IAMMember", "delivery-deployer-wif").inputs.member);
  const previewer = String(one(c, "gcp:serviceaccount/iAMMember:IAMMember", "delivery-previewer-wif").inputs.member);

  // principal://.../subject/<google.subject>
  const subject = /^principal:\/\/iam\.googleapis\.com\/[^]+?\/subject\/(.+)$/.exec(deployer);
  assert.ok(subject, deployer);
  assert.equal(exchange(deployJob, mapping, condition)["google.subject"], subject[1]);
  assert.notEqual(
    exchange(previewJob, mapping, condition)["google.subject"],
    subject[1],
    "a preview job is not the deployer",
  );

  // principalSet://.../attribute.<name>/<value>: the attribute must be mapped and match the preview token's value.
  const set = /^principalSet:\/\/iam\.googleapis\.com\/.+?\/attribute\.([a-z_]+)\/(.+)$/.exec(previewer);
  assert.ok(set, previewer);
  assert.ok(`attribute.${set[1]}` in mapping, `attribute.${set[1]} is mapped`);
  assert.equal(exchange(previewJob, mapping, condition)[`attribute.${set[1]}`], set[2]);
});
