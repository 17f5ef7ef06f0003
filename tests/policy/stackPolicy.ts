/** Captures a real stack (its Pulumi.<stack>.yaml) under mocks and runs the pack on it. Not a test file. */
import { createHash } from "node:crypto";
import { captureStack, readStackConfig, type CapturedStack } from "../../infra/offline/mockRuntime";
import { evaluateRules, packConfigFileFor, readPackConfig, type Evaluation } from "../../policy/evaluate";
import { policySubjects } from "../../policy/offlinePlan";

export const IMAGE_SHA = "0123456789abcdef0123456789abcdef01234567";

export async function stackUnderPolicy(stack: string): Promise<{ captured: CapturedStack; evaluation: Evaluation }> {
  const digest = `sha256:${createHash("sha256").update(IMAGE_SHA).digest("hex")}`;
  const staging = { sourceSha: IMAGE_SHA, imageDigest: digest, ranDigests: [digest] };
  const captured = await captureStack({
    stack,
    config: { ...readStackConfig(stack), "berth:imageSha": IMAGE_SHA },
    // prod promotes from staging through a StackReference: staging runs the same commit.
    stackOutputs: new Proxy({}, { get: () => staging }) as Record<string, Record<string, unknown>>,
  });
  if (captured.error) throw captured.error;
  const file = packConfigFileFor(stack);
  const evaluation = await evaluateRules(policySubjects(captured.resources, false), {
    config: file ? readPackConfig(file) : {},
    stackResources: policySubjects(captured.resources, true),
  });
  return { captured, evaluation };
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
  return ev.violations.map((v) => `${v.enforcementLevel} ${v.rule} ${v.resource?.name ?? "(stack)"}: ${v.message}`).join("\n");
}
