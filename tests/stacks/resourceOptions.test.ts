/**
 * Resource options the engine receives and the mocks' newResource never sees (recorded by offline/mockRuntime.ts
 * from the RegisterResourceRequest, @pulumi/pulumi runtime/resource.js): ordering, ignored changes, and what prod
 * must never delete. Rule: prod protects the ECR repository, its KMS key, the ALB and its access-log bucket, and
 * retains each service's log group and log key on delete; staging protects nothing (it may be torn down).
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { explicitDependencies, type CapturedResource, type CapturedStack } from "../../offline/mockRuntime";
import { captureProgram, SHA, stackConfig } from "../support";

const DIGEST = `sha256:${"ab".repeat(32)}`;
let prod: CapturedStack;
let staging: { type: string; name: string; protect?: boolean; retainOnDelete?: boolean }[] = [];

before(async () => {
  prod = await captureProgram({
    stack: "prod",
    config: stackConfig("prod"),
    stackOutputs: { "your-pulumi-org/berth/staging": { sourceSha: SHA, imageDigest: DIGEST, ranDigests: [DIGEST] } },
  });
  assert.equal(prod.error, undefined, String(prod.error));
  // Staging, a second evaluation of the program in this process.
  const s = await captureProgram({
    stack: "staging",
    config: stackConfig("staging", { "berth:ghcrToken": "t" }),
    secretKeys: ["berth:ghcrToken"],
  });
  assert.equal(s.error, undefined, String(s.error));
  staging = s.resources.map((r) => ({
    type: r.type,
    name: r.name,
    protect: r.options?.protect,
    retainOnDelete: r.options?.retainOnDelete,
  }));
});

function one(stack: CapturedStack, type: string, name: string): CapturedResource {
  const found = stack.resources.filter((r) => r.type === type && r.name === name);
  assert.equal(found.length, 1, `${type} ${name}`);
  return found[0];
}

test("every registered resource carries its recorded options (reads excepted)", () => {
  for (const r of prod.resources)
    if (r.type !== "pulumi:pulumi:StackReference") assert.ok(r.options, `${r.type} ${r.name}`);
});

test("the ALB waits for the access-log bucket's policy: ELB checks it can write the logs when access logs are enabled (ELB user guide, enable-access-logging.html)", () => {
  const alb = one(prod, "aws:lb/loadBalancer:LoadBalancer", "alb");
  const policy = one(prod, "aws:s3/bucketPolicy:BucketPolicy", "alb-access-logs");
  assert.ok(explicitDependencies(alb.options!).includes(policy.urn!), JSON.stringify(alb.options!.dependencies));
});

test("ECS services ignore desiredCount: Application Auto Scaling owns the running count after the first deploy", () => {
  // web deploys as a canary in prod: ECS also owns its target group pair, inside the loadBalancers set, so the whole
  // set is ignored (tests/ecs/ecsOwnedFields.test.ts, pulumi/pulumi-terraform-bridge#1756).
  assert.deepEqual(one(prod, "aws:ecs/service:Service", "worker").options!.ignoreChanges, ["desiredCount"]);
  assert.deepEqual(one(prod, "aws:ecs/service:Service", "web").options!.ignoreChanges, [
    "desiredCount",
    "loadBalancers",
  ]);
  assert.ok(
    prod.resources.some((r) => r.type === "aws:appautoscaling/target:Target"),
    "autoscaling is what changes the count",
  );
});

test("prod protects the ECR repository, its KMS key, the ALB and the access-log bucket", () => {
  for (const [type, name] of [
    ["aws:ecr/repository:Repository", "app"],
    ["aws:kms/key:Key", "app-key"],
    ["aws:lb/loadBalancer:LoadBalancer", "alb"],
    ["aws:s3/bucket:Bucket", "alb-access-logs"],
  ])
    assert.equal(one(prod, type, name).options!.protect, true, `${type} ${name}`);
});

test("prod retains each service's log group and log key when the service is removed", () => {
  for (const service of ["web", "worker"]) {
    assert.equal(one(prod, "aws:cloudwatch/logGroup:LogGroup", `${service}-logs`).options!.retainOnDelete, true);
    assert.equal(one(prod, "aws:kms/key:Key", `${service}-logs`).options!.retainOnDelete, true);
  }
});

test("staging protects and retains none of them (it may be torn down); its docker-build image is kept on delete (pulumi-docker-build#581)", () => {
  const of = (type: string, name: string) => staging.find((r) => r.type === type && r.name === name)!;
  for (const [type, name] of [
    ["aws:ecr/repository:Repository", "app"],
    ["aws:lb/loadBalancer:LoadBalancer", "alb"],
    ["aws:s3/bucket:Bucket", "alb-access-logs"],
  ]) {
    assert.notEqual(of(type, name).protect, true, `${type} ${name}`);
  }
  assert.notEqual(of("aws:cloudwatch/logGroup:LogGroup", "web-logs").retainOnDelete, true);
  assert.equal(of("docker-build:index:Image", "image").retainOnDelete, true);
});
