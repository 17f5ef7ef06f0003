/**
 * Configurations the cloud would refuse are refused by loadSettings, naming the key, before anything is registered:
 * each case starts from the committed stack file and goes one step past a cloud limit (the extreme configurations in
 * tests/support/extremeConfigs.ts sit exactly at the limit and pass the cloud checks). Sources in each test name.
 */
import { test } from "node:test";
import assert from "node:assert/strict";

import { ConfigError, loadSettings } from "../../infra/config";
import { SHA, STAGING_ACCOUNT, PROD_ACCOUNT } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

const staging: Record<string, string> = { ...fixtureStackConfig("staging"), "berth:imageSha": SHA };
const services = () => JSON.parse(staging["berth:services"]);

function problemsOf(config: Record<string, string>, stack = "staging") {
  try {
    loadSettings(config, { stack, git: () => assert.fail("git is not read") });
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems;
  }
  return [];
}

function refused(config: Record<string, string>, key: string, allowed: RegExp, stack = "staging") {
  const problems = problemsOf(config, stack);
  assert.ok(
    problems.some((p) => p.key === key && allowed.test(p.allowed)),
    `expected ${key} ~ ${allowed}, got ${JSON.stringify(problems)}`,
  );
}

test("the committed staging config loads (the cases below change one thing each)", () => {
  assert.deepEqual(problemsOf(staging), []);
});

test("aws stack names: at most 16 lowercase letters, digits, hyphens (GCP service account ids 6-30, ECS cluster names [A-Za-z0-9_-])", () => {
  assert.deepEqual(problemsOf(staging, "staging-eu-wst-1"), []);
  refused(staging, "stack name", /1-16 lowercase/, "staging-eu-west-1");
  refused(staging, "stack name", /1-16 lowercase/, "Staging");
  refused(staging, "stack name", /1-16 lowercase/, "staging.eu");
});

test("berth:tags: at most 45 (AWS: 50 tags per resource with the 3 default tags and 2 of the resource's own; tagging.html), aws: reserved in any case", () => {
  const tags = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`t${i}`, "v"]));
  assert.deepEqual(problemsOf({ ...staging, "berth:tags": JSON.stringify(tags(45)) }), []);
  refused({ ...staging, "berth:tags": JSON.stringify(tags(46)) }, "berth:tags", /at most 45 tags/);
  refused({ ...staging, "berth:tags": JSON.stringify({ "AWS:cost": "x" }) }, "berth:tags.AWS:cost", /a name matching/);
});

test("ECR replication: not to its own registry, each destination once, at most 25 (ECR user guide, replication.html)", () => {
  const ecr = (replicateTo: unknown[]) => ({ ...staging, "berth:ecr": JSON.stringify({ replicateTo }) });
  assert.deepEqual(
    problemsOf(ecr([{ accountId: STAGING_ACCOUNT, region: "us-east-1" }])),
    [],
    "this account, another region",
  );
  refused(
    ecr([{ accountId: STAGING_ACCOUNT, region: "eu-west-1" }]),
    "berth:ecr.replicateTo[0]",
    /another account or another region/,
  );
  refused(
    ecr([
      { accountId: PROD_ACCOUNT, region: "eu-west-1" },
      { accountId: PROD_ACCOUNT, region: "eu-west-1" },
    ]),
    "berth:ecr.replicateTo[1]",
    /each destination once/,
  );
  const many = Array.from({ length: 26 }, (_, i) => ({ accountId: String(300000000000 + i), region: "eu-west-1" }));
  refused(ecr(many), "berth:ecr.replicateTo", /at most 25 destinations/);
});

test("routes: 5 condition values and 5 wildcards per listener rule in all, values of 128, at most 100 routed services (ALB quotas, load-balancer-limits.html)", () => {
  const withRoute = (route: unknown) => {
    const s = services();
    s.api = { route, cpu: 256, memory: 512 };
    return { ...staging, "berth:services": JSON.stringify(s) };
  };
  assert.deepEqual(
    problemsOf(withRoute({ pathPatterns: ["/a/*", "/b/*", "/c/*"], hostHeaders: ["*.x.com", "y.com"], priority: 5 })),
    [],
  );
  refused(
    withRoute({ pathPatterns: ["/a", "/b", "/c"], hostHeaders: ["x.com", "y.com", "z.com"], priority: 5 }),
    "berth:services.api.route",
    /at most 5 path patterns and host headers together/,
  );
  refused(
    withRoute({ pathPatterns: ["/a/**", "/b/**", "/c/**"], priority: 5 }),
    "berth:services.api.route",
    /at most 5 wildcards/,
  );
  refused(
    withRoute({ pathPatterns: [`/${"a".repeat(128)}`], priority: 5 }),
    "berth:services.api.route.pathPatterns",
    /at most 128 characters/,
  );
  const many: Record<string, unknown> = {};
  for (let i = 0; i < 101; i++) many[`s${i}`] = { route: { pathPatterns: [`/${i}/*`], priority: i + 1 } };
  refused({ ...staging, "berth:services": JSON.stringify(many) }, "berth:services", /at most 100 routed services/);
});

test("secrets: at most 8,000 characters of ARNs per service (the execution role's inline policy, 10,240 per role; reference_iam-quotas.html)", () => {
  const withSecrets = (count: number) => {
    const s = services();
    s.web.secrets = Object.fromEntries(
      Array.from({ length: count }, (_, i) => [
        `S${i}`,
        `arn:aws:secretsmanager:eu-west-1:${STAGING_ACCOUNT}:secret:${"n".repeat(150)}-${i}`,
      ]),
    );
    return { ...staging, "berth:services": JSON.stringify(s) };
  };
  const each = `arn:aws:secretsmanager:eu-west-1:${STAGING_ACCOUNT}:secret:${"n".repeat(150)}-10`.length + 3;
  const fit = Math.floor(8000 / each);
  assert.deepEqual(problemsOf(withSecrets(fit)), []);
  refused(withSecrets(fit + 2), "berth:services.web.secrets", /at most 8000 characters of secret ARNs/);
});

test("load balancer ingress CIDRs: at most 30 (60 inbound rules per security group, 2 listener ports; amazon-vpc-limits.html)", () => {
  const lb = (count: number) => ({
    ...staging,
    "berth:loadBalancer": JSON.stringify({
      ...JSON.parse(staging["berth:loadBalancer"]),
      ingressCidrs: Array.from({ length: count }, (_, i) => `198.51.${i}.0/24`),
    }),
  });
  assert.deepEqual(problemsOf(lb(30)), []);
  refused(lb(31), "berth:loadBalancer.ingressCidrs", /at most 30 CIDRs/);
});

test("all limit problems are reported at once", () => {
  const s = services();
  s.web.route = { pathPatterns: ["/a", "/b", "/c"], hostHeaders: ["x.com", "y.com", "z.com"], priority: 5 };
  const config = {
    ...staging,
    "berth:services": JSON.stringify(s),
    "berth:ecr": JSON.stringify({ replicateTo: [{ accountId: STAGING_ACCOUNT, region: "eu-west-1" }] }),
    "berth:tags": JSON.stringify(Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`t${i}`, "v"]))),
  };
  const keys = problemsOf(config, "Staging").map((p) => p.key);
  for (const key of ["stack name", "berth:tags", "berth:ecr.replicateTo[0]", "berth:services.web.route"])
    assert.ok(keys.includes(key), `${key} in ${keys}`);
});
