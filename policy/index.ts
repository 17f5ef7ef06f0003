/**
 * The `berth-production` CrossGuard policy pack: the ONLY place a PolicyPack is constructed (constructing one starts
 * the analyzer's gRPC server, so tests and the offline plan import ./rules instead).
 *
 *   pulumi preview --stack staging --policy-pack policy --policy-pack-config policy/config/staging.json
 *
 * Every rule defaults to its own enforcement level (mandatory except where README.md ("What the pack enforces") says advisory); a stack's
 * pack config file changes levels and rule settings. Dependencies come from the repository root's node_modules.
 */
import { PolicyPack, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { berthRules, POLICY_PACK_NAME, type BerthRule } from "./rules";

function toPolicy(rule: BerthRule): ResourceValidationPolicy | StackValidationPolicy {
  const common = {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    configSchema: rule.configSchema,
    remediationSteps: rule.remediationSteps,
  };
  return rule.kind === "resource" ? { ...common, validateResource: rule.validateResource } : { ...common, validateStack: rule.validateStack };
}

new PolicyPack(POLICY_PACK_NAME, {
  description: "Berth's hardening baseline for ECR, Artifact Registry, ECS on Fargate, the ALB, logs, S3, KMS and IAM.",
  policies: berthRules.map(toPolicy),
});
