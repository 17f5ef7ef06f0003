/**
 * Every rule of the `berth-production` pack, in one list, and the table docs/policy.md and the plan print from it.
 * policy/index.ts builds the PolicyPack from `berthRules`; tests and the offline plan call the rules directly.
 */
import type { EnforcementLevel } from "@pulumi/policy";
import { albRules } from "./albRules";
import { deliveryRules } from "./deliveryRules";
import { deploymentRules } from "./deploymentRules";
import { dockerRules } from "./dockerRules";
import { ecsRules } from "./ecsRules";
import { identityRules } from "./identityRules";
import { networkRules } from "./networkRules";
import { registryRules } from "./ecrRules";
import { describeControls, type BerthRule, type Controls } from "./rule";
import { storageRules } from "./storageRules";

export type { BerthRule, BerthResourceRule, Controls } from "./rule";

export const POLICY_PACK_NAME = "berth-production";

export const berthRules: BerthRule[] = [
  ...registryRules,
  ...ecsRules,
  ...deploymentRules,
  ...albRules,
  ...networkRules,
  ...storageRules,
  ...identityRules,
  ...deliveryRules,
  ...dockerRules,
];

interface RuleMetadataRow {
  rule: string;
  controls: Controls;
  /** The controls as one string: `FSBP ECR.1; Checkov CKV_AWS_163`. */
  control: string;
  checks: string;
  resourceTypes: string[];
  defaultEnforcement: EnforcementLevel;
  remediation: string;
}

/** rule -> control -> what it checks -> default enforcement: the table in docs/policy.md. */
export const ruleMetadata: RuleMetadataRow[] = berthRules.map((r) => ({
  rule: r.name,
  controls: r.controls,
  control: describeControls(r.controls),
  checks: r.summary,
  resourceTypes: r.resourceTypes,
  defaultEnforcement: r.enforcementLevel,
  remediation: r.remediationSteps,
}));

/** Renders `ruleMetadata` as the markdown table of docs/policy.md (a test keeps the doc in step). */
export function renderRuleTable(rows: RuleMetadataRow[] = ruleMetadata): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const lines = ["| Rule | Control | What it checks | Default |", "| --- | --- | --- | --- |"];
  for (const r of rows)
    lines.push(`| \`${r.rule}\` | ${esc(r.control)} | ${esc(r.checks)} | ${r.defaultEnforcement} |`);
  return lines.join("\n");
}
