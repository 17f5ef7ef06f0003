/** `berth:delivery` and `berth:promotion`: defaults, and every bad value named with its key before anything registers. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, loadSettings } from "../../infra/config";

import { DEFAULT_REQUIRED_CHECKS } from "../../infra/config/delivery";
import { SHA } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

const git = () => ({ head: SHA, tagsAtHead: [], dirty: false });

function load(stack: "staging" | "prod", extra: Record<string, unknown> = {}) {
  const config: Record<string, unknown> = { ...fixtureStackConfig(stack), "berth:imageSha": SHA };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete config[k];
    else config[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return loadSettings(config, { stack, git });
}

function problems(
  stack: "staging" | "prod",
  extra: Record<string, unknown>,
): { key: string; value: unknown; allowed: string }[] {
  try {
    load(stack, extra);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return [...e.problems];
  }
  assert.fail("expected a ConfigError");
}

test("the stack files: staging delivers to `staging`, prod promotes from staging and delivers to `production` with reviewers", () => {
  const staging = load("staging");
  assert.equal(staging.promotion, undefined);
  assert.equal(staging.delivery?.enabled, true);
  assert.equal(staging.delivery?.githubEnvironment, "staging");
  assert.equal(staging.delivery?.manageRepositoryRuleset, false, "one stack owns the repository ruleset: prod");
  const prod = load("prod");
  assert.deepEqual(prod.promotion, {
    fromStack: "your-pulumi-org/berth/staging",
    digest: undefined,
    allowUnpromotedDigest: false,
  });
  assert.equal(prod.delivery?.githubEnvironment, "production");
  assert.equal(prod.delivery?.manageRepositoryRuleset, true);
  assert.deepEqual(prod.delivery?.requiredReviewers, [{ kind: "team", slug: "release-approvers", id: 1234567 }]);
});

test("secure defaults: self-review prevented, no admin bypass, main only, preview role, 1 approval, the preview checks", () => {
  const d = load("prod").delivery!;
  assert.equal(d.preventSelfReview, true);
  assert.equal(d.allowAdminBypass, false);
  assert.equal(d.deployBranch, "main");
  assert.equal(d.previewRole, true);
  assert.equal(d.createOidcProvider, true);
  assert.equal(d.requiredApprovals, 1);
  assert.equal(d.maxSessionSeconds, 3600);
  assert.deepEqual(d.requiredChecks, DEFAULT_REQUIRED_CHECKS);
});

test("reviewers: users and teams of the owner with their ids; anything else is named", () => {
  const d = load("prod", {
    "berth:delivery": { enabled: true, requiredReviewers: ["alice=583231", "your-github-org/sre=42"] },
  }).delivery!;
  assert.deepEqual(d.requiredReviewers, [
    { kind: "user", login: "alice", id: 583231 },
    { kind: "team", slug: "sre", id: 42 },
  ]);
  const p = problems("prod", {
    "berth:delivery": { enabled: true, requiredReviewers: ["alice", "other-org/sre=42", "bad login=1", "bob=0"] },
  });
  const reviewerProblems = p.filter((x) => x.key === "berth:delivery.requiredReviewers");
  assert.deepEqual(
    reviewerProblems.map((x) => x.value),
    ["alice", "other-org/sre=42", "bad login=1", "bob=0"],
  );
  assert.match(reviewerProblems[0].allowed, /<login>=<numeric id>/);
  assert.match(reviewerProblems[1].allowed, /your-github-org\/<team-slug>=<numeric id>/);
});

test("reviewers: at most 6, each once; prod with delivery needs at least one", () => {
  const seven = ["a=1", "b=2", "c=3", "d=4", "e=5", "f=6", "g=7"];
  assert.match(
    problems("prod", { "berth:delivery": { enabled: true, requiredReviewers: seven } })[0].allowed,
    /at most 6/,
  );
  assert.match(
    problems("prod", { "berth:delivery": { enabled: true, requiredReviewers: ["a=1", "b=1"] } })[0].allowed,
    /each reviewer once/,
  );
  const none = problems("prod", { "berth:delivery": { enabled: true } });
  assert.deepEqual(
    none.map((x) => x.key),
    ["berth:delivery.requiredReviewers"],
  );
  assert.match(none[0].allowed, /approval gate/);
  // Staging needs none.
  assert.deepEqual(load("staging", { "berth:delivery": { enabled: true } }).delivery?.requiredReviewers, []);
});

test("delivery: misspelt keys, bad branch, bad pool id, out-of-range values are all reported together", () => {
  const p = problems("staging", {
    "berth:delivery": {
      enabled: "yes",
      deployBranch: "../main",
      workloadIdentityPoolId: "gcp-pool",
      maxSessionSeconds: 60,
      requiredApprovals: 11,
      requiredChecks: [],
      preventSelfReveiw: false,
    },
  });
  assert.deepEqual(p.map((x) => x.key).sort(), [
    "berth:delivery.deployBranch",
    "berth:delivery.enabled",
    "berth:delivery.maxSessionSeconds",
    "berth:delivery.preventSelfReveiw",
    "berth:delivery.requiredApprovals",
    "berth:delivery.requiredChecks",
    "berth:delivery.workloadIdentityPoolId",
  ]);
  assert.deepEqual(p.find((x) => x.key === "berth:delivery.workloadIdentityPoolId")?.value, "gcp-pool");
});

test("promotion: required in prod (prod never builds), refused in staging (staging builds)", () => {
  const missing = problems("prod", { "berth:promotion": undefined });
  assert.deepEqual(
    missing.map((x) => x.key),
    ["berth:promotion.fromStack"],
  );
  assert.match(missing[0].allowed, /prod never builds/);
  const inStaging = problems("staging", { "berth:promotion": { fromStack: "acme/berth/staging" } });
  assert.deepEqual(
    inStaging.map((x) => x.key),
    ["berth:promotion"],
  );
  assert.match(inStaging[0].allowed, /only prod promotes/);
});

test("promotion: stack name, digest format, self-reference and the override's type are checked", () => {
  const p = problems("prod", {
    "berth:promotion": { fromStack: "staging", digest: "sha256:abc", allowUnpromotedDigest: "please" },
  });
  assert.deepEqual(p.map((x) => x.key).sort(), [
    "berth:promotion.allowUnpromotedDigest",
    "berth:promotion.digest",
    "berth:promotion.fromStack",
  ]);
  assert.match(p.find((x) => x.key === "berth:promotion.fromStack")!.allowed, /<organization>\/<project>\/<stack>/);
  const self = problems("prod", { "berth:promotion": { fromStack: "acme/berth/prod" } });
  assert.deepEqual(
    self.map((x) => [x.key, x.value]),
    [["berth:promotion.fromStack", "acme/berth/prod"]],
  );
  const ok = load("prod", {
    "berth:promotion": {
      fromStack: "acme/berth/staging",
      digest: `sha256:${"e".repeat(64)}`,
      allowUnpromotedDigest: true,
    },
  }).promotion;
  assert.deepEqual(ok, {
    fromStack: "acme/berth/staging",
    digest: `sha256:${"e".repeat(64)}`,
    allowUnpromotedDigest: true,
  });
});
