/** `berth:delivery` and `berth:promotion`: defaults, and every bad value named with its key before anything registers. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, loadSettings } from "../../infra/config";

import { DEFAULT_REQUIRED_CHECKS } from "../../infra/config/delivery";
import { durationSeconds } from "../../infra/config/services";
import { anyStackOutputs, captureProgram, SHA, stackConfig } from "../support";
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
    "berth:delivery": {
      enabled: true,
      githubVisibility: "public",
      githubOwnerId: 1,
      githubRepositoryId: 2,
      requiredReviewers: ["alice=583231", "your-github-org/sre=42"],
    },
  }).delivery!;
  assert.deepEqual(d.requiredReviewers, [
    { kind: "user", login: "alice", id: 583231 },
    { kind: "team", slug: "sre", id: 42 },
  ]);
  const p = problems("prod", {
    "berth:delivery": {
      enabled: true,
      githubVisibility: "public",
      githubOwnerId: 1,
      githubRepositoryId: 2,
      requiredReviewers: ["alice", "other-org/sre=42", "bad login=1", "bob=0"],
    },
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
    problems("prod", {
      "berth:delivery": {
        enabled: true,
        githubVisibility: "public",
        githubOwnerId: 1,
        githubRepositoryId: 2,
        requiredReviewers: seven,
      },
    })[0].allowed,
    /at most 6/,
  );
  assert.match(
    problems("prod", {
      "berth:delivery": {
        enabled: true,
        githubVisibility: "public",
        githubOwnerId: 1,
        githubRepositoryId: 2,
        requiredReviewers: ["a=1", "b=1"],
      },
    })[0].allowed,
    /each reviewer once/,
  );
  const none = problems("prod", {
    "berth:delivery": { enabled: true, githubVisibility: "public", githubOwnerId: 1, githubRepositoryId: 2 },
  });
  assert.deepEqual(
    none.map((x) => x.key),
    ["berth:delivery.requiredReviewers"],
  );
  assert.match(none[0].allowed, /approval gate/);
  // Staging needs none.
  assert.deepEqual(
    load("staging", {
      "berth:delivery": { enabled: true, githubVisibility: "public", githubOwnerId: 1, githubRepositoryId: 2 },
    }).delivery?.requiredReviewers,
    [],
  );
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

// The deploy job's AWS session must outlive the longest service's wait (issue 18, item 3): the provider waits until a
// service's deployment is SUCCESSFUL, bakes included (terraform-provider-aws internal/service/ecs/service.go,
// statusServiceWaitForStable / findDeploymentStatus), and aws-actions/configure-aws-credentials asks for one hour
// unless role-duration-seconds says otherwise (its action.yml: "1 hour for OIDC"); deploy.yml requests the role's
// maxSessionSeconds (vars.AWS_ROLE_DURATION_SECONDS, tests/delivery/workflows.test.ts).
const LONG_BAKE = { strategy: "canary", canaryBakeTimeMinutes: 30, bakeTimeMinutes: 60 };
const withWeb = (stack: "staging" | "prod", web: Record<string, unknown>, delivery?: Record<string, unknown>) => {
  const services = JSON.parse(fixtureStackConfig(stack)["berth:services"] as string);
  services.web = { ...services.web, ...web };
  const base = JSON.parse(fixtureStackConfig(stack)["berth:delivery"] as string);
  return { "berth:services": services, "berth:delivery": { ...base, ...delivery } };
};

test("the deploy role's session derives from the longest service's timeout: a 90-minute canary needs more than an hour", () => {
  const settings = load("prod", withWeb("prod", { deployment: LONG_BAKE }));
  const web = settings.services.find((s) => s.name === "web")!;
  const steady = durationSeconds(web.steadyStateTimeout);
  assert.ok(steady > 90 * 60, web.steadyStateTimeout);
  assert.ok(settings.delivery!.maxSessionSeconds > steady, `${settings.delivery!.maxSessionSeconds} s > ${steady} s`);
  assert.ok(settings.delivery!.maxSessionSeconds <= 43200, "IAM's MaxSessionDuration ceiling");
});

test("an explicit session shorter than the longest service's wait is refused, naming the key, the value and the minimum", () => {
  const p = problems("prod", withWeb("prod", { deployment: LONG_BAKE }, { maxSessionSeconds: 3600 }));
  const s = p.find((x) => x.key === "berth:delivery.maxSessionSeconds");
  assert.ok(s, p.map((x) => x.key).join(", "));
  assert.equal(s.value, 3600);
  assert.match(s.allowed, /at least \d+ \(berth:services\.web\.steadyStateTimeout \+ \d+ s/);
  // A bake that no IAM session can outlast is refused too.
  const tooLong = problems("prod", withWeb("prod", { deployment: { strategy: "blueGreen", bakeTimeMinutes: 1440 } }));
  assert.match(tooLong.find((x) => x.key === "berth:delivery.maxSessionSeconds")!.allowed, /above IAM's 43200/);
});

test("the session covers the longest service, not the sum: no ECS service waits for another (Pulumi runs them in parallel)", async () => {
  const c = await captureProgram({
    stack: "prod",
    config: stackConfig("prod"),
    stackOutputs: anyStackOutputs({ sourceSha: SHA, imageDigest: `sha256:${"cd".repeat(32)}`, ranDigests: [] }),
  });
  if (c.error) throw c.error;
  const services = c.resources.filter((r) => r.type === "aws:ecs/service:Service");
  assert.ok(services.length >= 2);
  for (const svc of services) {
    const others = c.resources.filter(
      (r) =>
        r.urn?.includes("berth:ecs:FargateService") && services.some((o) => o !== svc && r.name.startsWith(o.name)),
    );
    const waitsFor = new Set(svc.options!.dependencies);
    for (const o of others) assert.ok(!waitsFor.has(o.urn!), `${svc.name} waits for ${o.name}`);
  }
});

// Issue 18, item 4: the OIDC subject and the GCP condition key on GitHub's numeric ids, which come from settings (no
// API call per run). GitHub's immutable subject claims (https://github.blog/changelog/2026-04-23-immutable-subject-claims-for-github-actions-oidc-tokens)
// change the default `sub` of repositories created, renamed or transferred since mid-2026; the repository's subject
// template (https://docs.github.com/en/actions/reference/security/oidc, "Customizing the subject claims") fixes it.
test("the repository's ids are required with delivery, named with the gh command that reads them, and numeric", () => {
  const p = problems("staging", {
    "berth:delivery": { enabled: true, githubVisibility: "public", githubRepositoryId: "berth" },
  });
  const owner = p.find((x) => x.key === "berth:delivery.githubOwnerId");
  assert.match(owner!.allowed, /gh api repos\/your-github-org\/berth --jq \.owner\.id/);
  assert.equal(p.find((x) => x.key === "berth:delivery.githubRepositoryId")!.value, "berth");
  const staging = load("staging").delivery!;
  assert.equal(staging.githubOwnerId, 100000001);
  assert.equal(staging.githubRepositoryId, 200000002);
  // One stack sets the repository-wide template: staging (bootstrapped first); prod relies on it.
  assert.equal(staging.manageOidcSubjectTemplate, true);
  assert.equal(load("prod").delivery!.manageOidcSubjectTemplate, false);
});

test("an environment name that makes the deploy job's subject longer than GCP's google.subject (127 bytes) is refused", () => {
  const p = problems("staging", {
    "berth:delivery": {
      enabled: true,
      githubVisibility: "public",
      githubOwnerId: 100000001,
      githubRepositoryId: 200000002,
      githubEnvironment: "e".repeat(80),
    },
  });
  assert.match(p.find((x) => x.key === "berth:delivery.githubEnvironment")!.allowed, /at most 127/);
});
