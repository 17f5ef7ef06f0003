/**
 * What a Berth policy rule is: a CrossGuard policy (`@pulumi/policy`) plus the controls it implements and a one-line
 * statement of what it checks, so the pack, the offline plan and README.md all read from the same table.
 *
 * Rules never construct a `PolicyPack`: only policy/index.ts does (constructing one starts a gRPC server).
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

/** The external controls a rule implements. Ids only where the mapping is exact; `berth` when no catalogue has one. */
export interface Controls {
  /** AWS Security Hub Foundational Security Best Practices, e.g. `ECR.1`. */
  fsbp?: string[];
  /** Checkov check ids, e.g. `CKV_AWS_163`. */
  checkov?: string[];
  /** CIS benchmark items, e.g. `CIS Docker 5.3`. */
  cis?: string[];
  /** Where no catalogue has the control: the practice it comes from. */
  other?: string;
}

interface RuleMetadata {
  /** The rule id, `berth-<area>-<what>`: the name used in pack config and in violations. */
  name: string;
  /** One sentence: what must hold. */
  summary: string;
  controls: Controls;
  /** The resource types (type tokens) the rule looks at. */
  resourceTypes: string[];
  /** Default enforcement; a stack's pack config (policy/config/<stack>.json) can change it. */
  enforcementLevel: EnforcementLevel;
  /** How to fix a violation: the Berth setting that controls it. */
  remediationSteps: string;
}

export interface BerthResourceRule extends Omit<ResourceValidationPolicy, keyof RuleMetadata>, RuleMetadata {
  kind: "resource";
  enforcementLevel: EnforcementLevel;
  validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => void;
}

export interface BerthStackRule extends Omit<StackValidationPolicy, keyof RuleMetadata>, RuleMetadata {
  kind: "stack";
  enforcementLevel: EnforcementLevel;
}

export type BerthRule = BerthResourceRule | BerthStackRule;

/** `FSBP ECR.1, Checkov CKV_AWS_163, CIS Docker 4.1`: how controls are written in descriptions and tables. */
export function describeControls(c: Controls): string {
  const parts: string[] = [];
  if (c.fsbp?.length) parts.push(`FSBP ${c.fsbp.join(", ")}`);
  if (c.checkov?.length) parts.push(`Checkov ${c.checkov.join(", ")}`);
  if (c.cis?.length) parts.push(c.cis.join(", "));
  if (c.other) parts.push(c.other);
  return parts.join("; ");
}

interface ResourceRuleSpec<P> extends Omit<RuleMetadata, "enforcementLevel"> {
  enforcementLevel?: EnforcementLevel;
  configSchema?: PolicyConfigSchema;
  /** Called for resources whose type is one of `resourceTypes`, with their inputs. */
  validate: (props: P, args: ResourceValidationArgs, reportViolation: ReportViolation) => void;
}

/** A rule over single resources of the given types. `P` types the inputs (e.g. `Unwrap<aws.ecr.RepositoryArgs>`). */
export function resourceRule<P>(spec: ResourceRuleSpec<P>): BerthResourceRule {
  const { validate, enforcementLevel = "mandatory", ...meta } = spec;
  const types = new Set(spec.resourceTypes);
  return {
    kind: "resource",
    ...meta,
    enforcementLevel,
    description: `${spec.summary} [${describeControls(spec.controls)}]`,
    validateResource: (args, reportViolation) => {
      if (!types.has(args.type)) return;
      validate(args.props as P, args, reportViolation);
    },
  };
}

interface StackRuleSpec extends Omit<RuleMetadata, "enforcementLevel"> {
  enforcementLevel?: EnforcementLevel;
  configSchema?: PolicyConfigSchema;
  validate: (args: StackValidationArgs, reportViolation: ReportViolation) => void;
}

/** A rule over the whole stack (relations between resources: a repository and its lifecycle policy). */
export function stackRule(spec: StackRuleSpec): BerthStackRule {
  const { validate, enforcementLevel = "mandatory", ...meta } = spec;
  return {
    kind: "stack",
    ...meta,
    enforcementLevel,
    description: `${spec.summary} [${describeControls(spec.controls)}]`,
    validateStack: validate,
  };
}

/** Parses a JSON document given as a string (IAM policies, container definitions) or already an object. */
export function parseJsonDocument(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

export function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
