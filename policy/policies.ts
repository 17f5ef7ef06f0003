/**
 * The objects the `berth-production` PolicyPack is built from: policy/index.ts hands exactly `berthPolicies` to
 * `new PolicyPack(...)`. Importing this module starts nothing (constructing a PolicyPack starts the analyzer's gRPC
 * server); the offline plan and the tests run these policies through the real analyzer (offline/analyzerClient.ts).
 */
import type { PolicyPackArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { berthRules, type BerthRule } from "./rules";

export { POLICY_PACK_NAME } from "./rules";

/** A Berth rule as a CrossGuard policy: only the fields `@pulumi/policy` reads. */
function toPolicy(rule: BerthRule): ResourceValidationPolicy | StackValidationPolicy {
  const common = {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    configSchema: rule.configSchema,
    remediationSteps: rule.remediationSteps,
  };
  return rule.kind === "resource"
    ? { ...common, validateResource: rule.validateResource }
    : { ...common, validateStack: rule.validateStack };
}

const berthPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = berthRules.map(toPolicy);

export const berthPackArgs: PolicyPackArgs = {
  description: "Berth's hardening baseline for ECR, Artifact Registry, ECS on Fargate, the ALB, logs, S3, KMS and IAM.",
  policies: berthPolicies,
};
