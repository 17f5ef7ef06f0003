/** Captures a real stack (its Pulumi.<stack>.yaml) under mocks and runs the pack on it. Not a test file. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { type CapturedStack } from "../../offline/mockRuntime";
import { captureProgram } from "../support";
import {
  evaluateRules,
  packConfigFileFor,
  readPackConfig,
  type Evaluation,
  type PackConfig,
} from "../../offline/evaluate";
import { policySubjects } from "../../offline/offlinePlan";
import { berthRules } from "../../policy/rules";
import { fixtureStackConfig } from "../support/fixtures";

export const IMAGE_SHA = "0123456789abcdef0123456789abcdef01234567";

/**
 * A fresh evaluation of the program under mocks (tests/support captureProgram: several per process, one at a time):
 * `preview: true` is a first `pulumi preview` (nothing exists, every computed output unknown), otherwise an update
 * (outputs known).
 */
export async function captureForPolicy(stack: string, preview = false): Promise<CapturedStack> {
  const digest = `sha256:${createHash("sha256").update(IMAGE_SHA).digest("hex")}`;
  const staging = { sourceSha: IMAGE_SHA, imageDigest: digest, ranDigests: [digest] };
  const captured = await captureProgram({
    stack,
    preview,
    config: { ...fixtureStackConfig(stack), "berth:imageSha": IMAGE_SHA },
    // prod promotes from staging through a StackReference: staging runs the same commit.
    stackOutputs: new Proxy({}, { get: () => staging }) as Record<string, Record<string, unknown>>,
  });
  if (captured.error) throw captured.error;
  return captured;
}

export async function evaluateCaptured(
  stack: string,
  captured: CapturedStack,
  opts: { preview?: boolean; config?: PackConfig } = {},
): Promise<Evaluation> {
  const file = packConfigFileFor(stack);
  return evaluateRules(policySubjects(captured.resources, false), {
    config: opts.config ?? (file ? readPackConfig(file) : {}),
    stackResources: policySubjects(captured.resources, true, { firstPreview: opts.preview }),
  });
}

export async function stackUnderPolicy(stack: string): Promise<{ captured: CapturedStack; evaluation: Evaluation }> {
  const captured = await captureForPolicy(stack);
  return { captured, evaluation: await evaluateCaptured(stack, captured) };
}

/**
 * Every rule at `mandatory` over every resource of the stack: CrossGuard calls each resource policy for each
 * resource (node_modules/@pulumi/policy/server.js, Analyze), so a finding or an error a rule raises on a resource of
 * a type it does not declare is a rule that would misjudge a real preview. Returns those, one line each.
 */
export async function findingsOutsideDeclaredTypes(stack: string, captured: CapturedStack): Promise<string[]> {
  const ev = await evaluateCaptured(stack, captured, { config: { all: "mandatory" } });
  const byName = new Map(berthRules.map((r) => [r.name, r]));
  const typeOf = new Map(captured.resources.map((r) => [r.urn, r.type]));
  const out: string[] = [];
  for (const v of ev.violations) {
    const rule = byName.get(v.rule)!;
    if (rule.kind === "resource" && v.resource && !rule.resourceTypes.includes(v.resource.type))
      out.push(`${v.rule} flagged ${v.resource.type} ${v.resource.name}: ${v.message}`);
  }
  for (const e of ev.errors) {
    const rule = byName.get(e.rule);
    const type = e.resource ? typeOf.get(e.resource) : undefined;
    if (!rule || (type && !rule.resourceTypes.includes(type))) out.push(`${e.rule} threw on ${e.resource}: ${e.error}`);
  }
  return out;
}

/** Resource types the pack has rules for that a complete AWS stack must contain (so "no violation" is not vacuous). */
export const EXPECTED_TYPES = [
  "aws:ecr/repository:Repository",
  "aws:ecr/lifecyclePolicy:LifecyclePolicy",
  "aws:ecs/taskDefinition:TaskDefinition",
  "aws:ecs/service:Service",
  "aws:ecs/cluster:Cluster",
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:lb/listener:Listener",
  "aws:lb/targetGroup:TargetGroup",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:kms/key:Key",
  "aws:iam/role:Role",
];

export function describeViolations(ev: Evaluation): string {
  return ev.violations
    .map((v) => `${v.enforcementLevel} ${v.rule} ${v.resource?.name ?? "(stack)"}: ${v.message}`)
    .join("\n");
}

/**
 * The stack as a first `pulumi preview --policy-pack policy` sees it (nothing exists, computed outputs unknown): no
 * mandatory violation and no rule error. A rule that reads an unknown value ends with an advisory "can't run ...
 * during preview" (node_modules/@pulumi/policy/server.js, AnalyzeStack's catch of proxy.js UnknownValueError): it
 * blocks nothing. Stack rules join on property dependencies, which a first preview knows; `blindStackRules` are the
 * ones left blind, each as `<rule>: <message>`.
 */
export async function assertFirstPreview(stack: string, blindStackRules: string[]): Promise<void> {
  const captured = await captureForPolicy(stack, true);
  const ev = await evaluateCaptured(stack, captured, { preview: true });
  assert.deepEqual(ev.errors, []);
  assert.deepEqual(
    ev.violations.filter((v) => v.enforcementLevel === "mandatory"),
    [],
    describeViolations(ev),
  );
  const stackRules = berthRules.filter((r) => r.kind === "stack").map((r) => r.name);
  const blind = [
    ...new Set(ev.cannotJudge.filter((c) => stackRules.includes(c.rule)).map((c) => `${c.rule}: ${c.message}`)),
  ];
  assert.deepEqual(blind, blindStackRules);
  for (const c of ev.cannotJudge) assert.match(c.message, /value at \.\S+ can't be known during preview/);
}
