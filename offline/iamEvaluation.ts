/**
 * A small model of how AWS IAM decides one request against identity-based policies and a permissions boundary, enough
 * to prove what the deploy role can and cannot do (tests/delivery/deployEscalation.test.ts). It is a model, not IAM:
 * no resource-based policies, session policies or SCPs, and only the condition operators Berth's policies use.
 *
 * Sources (IAM User Guide):
 * - Policy evaluation logic, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html:
 *   an explicit Deny in any applicable policy wins; otherwise the request is allowed only if an identity-based policy
 *   allows it and, when the principal has a permissions boundary, the boundary allows it too (the intersection);
 *   otherwise it is implicitly denied.
 * - Action and Resource elements, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 *   and reference_policies_elements_resource.html: `*` matches any run of characters, `?` one character; action names
 *   are case-insensitive, ARNs are case-sensitive; NotAction / NotResource match everything else.
 * - Condition operators, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html:
 *   the keys of one operator, and the operators of one Condition, must all hold (AND); the values listed for one key
 *   are alternatives (OR); a key absent from the request context makes the condition false, except for the negated
 *   operators (StringNotEquals, StringNotLike, ArnNotEquals, ArnNotLike), which are then true; `...IfExists` is true
 *   when the key is absent; `Null: true` holds when the key is absent. For a multivalued key (aws:TagKeys),
 *   `ForAnyValue:` needs one request value to match, `ForAllValues:` every request value (true when the key is absent).
 */

type Decision = "allow" | "explicitDeny" | "implicitDeny";

export interface IamRequest {
  /** `service:Action`, e.g. `iam:CreateRole`. */
  action: string;
  /** The ARN of the resource the action is authorized against (`*` for actions without one). */
  resource: string;
  /** The request context: condition keys and their values (a list for multivalued keys such as `aws:TagKeys`). */
  context?: Record<string, string | string[]>;
}

interface PolicyStatementModel {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocumentModel {
  Version?: string;
  Statement: PolicyStatementModel | PolicyStatementModel[];
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM's wildcard match: `*` any run of characters (also none), `?` exactly one. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(value);
}

function actionMatches(s: PolicyStatementModel, action: string): boolean {
  if (s.Action !== undefined) return list(s.Action).some((a) => wildcardMatch(a, action, true));
  if (s.NotAction !== undefined) return !list(s.NotAction).some((a) => wildcardMatch(a, action, true));
  return false;
}

function resourceMatches(s: PolicyStatementModel, resource: string): boolean {
  if (s.Resource !== undefined) return list(s.Resource).some((r) => wildcardMatch(r, resource));
  if (s.NotResource !== undefined) return !list(s.NotResource).some((r) => wildcardMatch(r, resource));
  return false;
}

type Matcher = (policyValue: string, requestValue: string) => boolean;
const MATCHERS: Record<string, { match: Matcher; negated: boolean }> = {
  StringEquals: { match: (p, r) => p === r, negated: false },
  StringNotEquals: { match: (p, r) => p === r, negated: true },
  StringEqualsIgnoreCase: { match: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { match: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: true },
  StringLike: { match: (p, r) => wildcardMatch(p, r), negated: false },
  StringNotLike: { match: (p, r) => wildcardMatch(p, r), negated: true },
  // ARN operators compare the ARN with IAM's wildcards (per segment in IAM; the whole string here, same result for
  // the patterns Berth writes, which put wildcards inside one segment or at the end).
  ArnEquals: { match: (p, r) => wildcardMatch(p, r), negated: false },
  ArnLike: { match: (p, r) => wildcardMatch(p, r), negated: false },
  ArnNotEquals: { match: (p, r) => wildcardMatch(p, r), negated: true },
  ArnNotLike: { match: (p, r) => wildcardMatch(p, r), negated: true },
  Bool: { match: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
};

/** One operator (with its qualifier and IfExists) on one key. */
function conditionHolds(operatorText: string, key: string, policyValues: string[], context: IamRequest["context"]) {
  let operator = operatorText;
  let qualifier: "ForAnyValue" | "ForAllValues" | undefined;
  const q = /^(ForAnyValue|ForAllValues):(.+)$/.exec(operator);
  if (q) {
    qualifier = q[1] as "ForAnyValue" | "ForAllValues";
    operator = q[2]!;
  }
  const present = context !== undefined && key in context;
  const requestValues = present ? list(context![key]) : [];
  if (operator === "Null") {
    const wantAbsent = policyValues.some((v) => String(v).toLowerCase() === "true");
    return wantAbsent ? !present : present;
  }
  const ifExists = operator.endsWith("IfExists");
  if (ifExists) operator = operator.slice(0, -"IfExists".length);
  const m = MATCHERS[operator];
  if (!m) throw new Error(`iamEvaluation: condition operator ${operatorText} is not modelled`);
  if (!present) {
    if (ifExists) return true;
    if (qualifier === "ForAllValues") return true;
    return m.negated;
  }
  const one = (r: string) => {
    const any = policyValues.some((p) => m.match(p, r));
    return m.negated ? !any : any;
  };
  if (qualifier === "ForAllValues") return requestValues.every(one);
  if (qualifier === "ForAnyValue") return requestValues.some(one);
  return requestValues.some(one);
}

function conditionsHold(s: PolicyStatementModel, context: IamRequest["context"]): boolean {
  for (const [operator, keys] of Object.entries(s.Condition ?? {}))
    for (const [key, values] of Object.entries(keys))
      if (!conditionHolds(operator, key, list(values as string | string[]).map(String), context)) return false;
  return true;
}

/** The statements of `policies` that apply to `request`, by effect. */
function applicableStatements(
  policies: PolicyDocumentModel[],
  request: IamRequest,
): { allows: PolicyStatementModel[]; denies: PolicyStatementModel[] } {
  const applicable = policies
    .flatMap((p) => list(p.Statement))
    .filter((s) => actionMatches(s, request.action))
    .filter((s) => resourceMatches(s, request.resource))
    .filter((s) => conditionsHold(s, request.context));
  return {
    allows: applicable.filter((s) => s.Effect === "Allow"),
    denies: applicable.filter((s) => s.Effect === "Deny"),
  };
}

/** The decision for one request made by a principal with `identityPolicies` and, optionally, a permissions boundary. */
export function evaluate(args: {
  identityPolicies: PolicyDocumentModel[];
  boundary?: PolicyDocumentModel;
  request: IamRequest;
}): Decision {
  const identity = applicableStatements(args.identityPolicies, args.request);
  const boundary = args.boundary ? applicableStatements([args.boundary], args.request) : undefined;
  if (identity.denies.length > 0 || (boundary && boundary.denies.length > 0)) return "explicitDeny";
  if (identity.allows.length === 0) return "implicitDeny";
  if (boundary && boundary.allows.length === 0) return "implicitDeny";
  return "allow";
}
