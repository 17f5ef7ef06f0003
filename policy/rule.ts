/**
 * What a Berth policy rule is: a CrossGuard policy (`@pulumi/policy`) plus the controls it implements and a one-line
 * statement of what it checks, so the pack, the offline plan and docs/policy.md all read from the same table.
 *
 * Rules never construct a `PolicyPack`: only policy/index.ts does (constructing one starts a gRPC server).
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyResource,
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

interface BerthStackRule extends Omit<StackValidationPolicy, keyof RuleMetadata>, RuleMetadata {
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

/**
 * Whether `from`'s input `property` refers to `target`, judged on what a first preview knows. The engine sends each
 * resource's property dependencies with AnalyzeStack (pulumi/pulumi pkg/resource/deploy/step_generator.go
 * AnalyzeResources; node_modules/@pulumi/policy/server.js turns the URNs into resources): a property computed from
 * resources is decided by those alone, without reading values (ids, ARNs) a first preview does not know yet and whose
 * reading ends the policy with an advisory "can't run ... during preview". A property set to a plain value (a name,
 * an imported id) is compared with the target's `identities`.
 */
export function refersTo(
  from: PolicyResource,
  property: string,
  target: PolicyResource,
  identities: (t: PolicyResource) => unknown[],
): boolean {
  const deps = from.propertyDependencies?.[property];
  if (deps && deps.length > 0) return deps.some((d) => d.urn === target.urn);
  const value = from.props[property];
  if (value === undefined) return false;
  return identities(target)
    .filter((v) => v !== undefined && v !== null)
    .map(String)
    .includes(String(value));
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
