import { test } from "node:test";
import assert from "node:assert/strict";
import {
  applyConfigOverride,
  buildTree,
  configValue,
  keySettings,
  parseConfigValue,
  switchedOffHardening,
} from "../../offline/offlinePlan";
import { parsePlanArgs } from "../../offline/plan";
import { berthRules } from "../../policy/rules";
import { HARDENING_SETTINGS } from "../../offline/offlinePlan";

const base = {
  "aws:region": "eu-west-1",
  "berth:services": JSON.stringify({ web: { cpu: 256, hardening: { nonRootUser: true } }, worker: { cpu: 256 } }),
};

test("overrides set nested keys inside the structured value, keep siblings, and read values as YAML scalars", () => {
  const c = applyConfigOverride(base, "berth:services.web.hardening.readonlyRootFilesystem", parseConfigValue("false"));
  assert.deepEqual(JSON.parse(c["berth:services"]).web, {
    cpu: 256,
    hardening: { nonRootUser: true, readonlyRootFilesystem: false },
  });
  assert.equal(configValue(c, "berth:services.web.hardening.readonlyRootFilesystem"), false);
  assert.equal(base["berth:services"].includes("readonlyRootFilesystem"), false, "the input map is not mutated");
  const top = applyConfigOverride(base, "berth:environment", "prod");
  assert.equal(top["berth:environment"], "prod");
  const created = applyConfigOverride(base, "berth:cluster.containerInsights", "disabled");
  assert.deepEqual(JSON.parse(created["berth:cluster"]), { containerInsights: "disabled" });
  assert.equal(parseConfigValue("30"), 30);
  assert.deepEqual(parseConfigValue("[a, b]"), ["a", "b"]);
  assert.throws(() => applyConfigOverride({ "aws:region": "eu-west-1" }, "aws:region.x", 1), /not an object/);
});

test("switched-off hardening is found per service and per area, with its rule; secure values are not listed", () => {
  let c = applyConfigOverride(base, "berth:services.worker.hardening.nonRootUser", false);
  c = applyConfigOverride(c, "berth:loadBalancer.tlsPolicy", "ELBSecurityPolicy-2016-08");
  c = applyConfigOverride(c, "berth:ecr.forceDelete", true);
  c = applyConfigOverride(c, "berth:cluster.containerInsights", "enhanced");
  assert.deepEqual(switchedOffHardening(c), [
    { key: "berth:ecr.forceDelete", value: true, rule: "berth-ecr-no-force-delete" },
    { key: "berth:services.worker.hardening.nonRootUser", value: false, rule: "berth-ecs-non-root-user" },
    { key: "berth:loadBalancer.tlsPolicy", value: "ELBSecurityPolicy-2016-08", rule: "berth-alb-tls13-policy" },
  ]);
  assert.deepEqual(switchedOffHardening(base), []);
});

test("every hardening setting names an existing rule (or none, shown for review)", () => {
  for (const s of HARDENING_SETTINGS)
    if (s.rule)
      assert.ok(
        berthRules.some((r) => r.name === s.rule),
        `${s.key} -> ${s.rule}`,
      );
});

test("plan arguments: stack, repeatable overrides, flags; usage errors for the rest", () => {
  const o = parsePlanArgs([
    "prod",
    "-c",
    "berth:ecr.scanOnPush=false",
    "--config-override",
    "berth:logs.retentionDays=30",
    "--json",
    "--image-sha",
    "a".repeat(40),
  ]);
  assert.equal(o.stack, "prod");
  assert.deepEqual(o.overrides, [
    ["berth:ecr.scanOnPush", false],
    ["berth:logs.retentionDays", 30],
  ]);
  assert.equal(o.json, true);
  assert.throws(() => parsePlanArgs([]), /which stack/);
  assert.throws(() => parsePlanArgs(["staging", "-c", "novalue"]), /KEY=VALUE/);
  assert.throws(() => parsePlanArgs(["staging", "--image-sha", "latest"]), /40-hex/);
  assert.throws(() => parsePlanArgs(["staging", "--frobnicate"]), /unknown option/);
});

test("the tree nests children under their component by parent URN; key settings show hardening at a glance", () => {
  const comp = {
    type: "berth:ecs:FargateService",
    name: "web",
    inputs: {},
    state: {},
    custom: false,
    urn: "urn:a::web",
  };
  const child = {
    type: "aws:ecs/service:Service",
    name: "web",
    inputs: {},
    state: {},
    custom: true,
    urn: "urn:a::web$svc",
    parentUrn: "urn:a::web",
  };
  const orphan = {
    type: "aws:kms/key:Key",
    name: "k",
    inputs: {},
    state: {},
    custom: true,
    urn: "urn:a::k",
    parentUrn: "urn:a::stack",
  };
  const roots = buildTree([comp, child, orphan]);
  assert.deepEqual(
    roots.map((r) => r.resource.name),
    ["web", "k"],
  );
  assert.deepEqual(
    roots[0].children.map((c) => c.resource.type),
    ["aws:ecs/service:Service"],
  );
  assert.match(
    keySettings("aws:ecs/service:Service", {
      networkConfiguration: { assignPublicIp: true },
      deploymentCircuitBreaker: { enable: true, rollback: false },
    }),
    /publicIp=ON circuitBreaker=no-rollback/,
  );
  assert.match(keySettings("aws:cloudwatch/logGroup:LogGroup", {}), /NEVER EXPIRES/);
  const openTrust = JSON.stringify({
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com" },
        Action: "sts:AssumeRoleWithWebIdentity",
      },
    ],
  });
  assert.equal(keySettings("aws:iam/role:Role", { assumeRolePolicy: openTrust }), "trusts GitHub OIDC (any subject!)");
  assert.equal(
    keySettings("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", {
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrIpv4: "0.0.0.0/0",
    }),
    "in tcp:22-22 from 0.0.0.0/0",
  );
  assert.match(
    keySettings("github:index/repositoryEnvironment:RepositoryEnvironment", { environment: "production" }),
    /reviewers=0 branches=ANY adminBypass=ON/,
  );
});
