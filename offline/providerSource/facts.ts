/**
 * Facts about the providers, derived from their own source code at the version Berth's packages wrap, kept as data
 * with the file and the commit they were read from. Two kinds per registered resource type:
 *
 * - `constraints`: what the provider checks on the inputs before any API call (the bridge's Check: the Terraform
 *   schema's ConflictsWith, ExactlyOneOf, AtLeastOneOf, RequiredWith and the validation functions), which mocks never
 *   enforce. The offline plan and the suite check every registered resource against them (offline/providerConstraints.ts).
 * - `calls`: the AWS API operations the provider calls to create, read (also on refresh and after every write),
 *   update and delete the resource, including its finders and waiters, as IAM actions (`ecs:ListServiceDeployments`).
 *   The deploy role's table (infra/delivery/deployPermissions.ts) must cover them (tests/delivery/deployPermissions.test.ts).
 *
 * Paths use the Pulumi input names (camelCase, as in `node_modules/@pulumi/<pkg>/<module>/<resource>.d.ts`), with
 * `[]` for each element of a list or set: `metricQueries[].metric.period`. A Terraform path `metric_query.0.metric`
 * is written `metricQueries[].metric`. Paths in one constraint are resolved relative to the same list element when
 * they share a prefix ending in `[]` (Terraform writes sibling paths in nested blocks that way).
 */

/** Where the facts of one provider were read. */
export interface ProviderSource {
  /** The npm package Berth uses and its version, e.g. `@pulumi/aws` `7.48.0`. */
  package: string;
  packageVersion: string;
  /** The repository the facts were read from, e.g. `hashicorp/terraform-provider-aws`. */
  repository: string;
  /** The upstream version the package wraps (from the package's release notes or its upstream pin), e.g. `v6.20.0`. */
  wrappedVersion: string;
  /** The commit of the repository the files were actually read at, and how it relates to `wrappedVersion`. */
  commit: string;
  note?: string;
}

export type Constraint =
  /** Setting `path` while any of `with` is set is refused. */
  | { kind: "conflictsWith"; path: string; with: string[] }
  /** Exactly one of `paths` must be set. */
  | { kind: "exactlyOneOf"; paths: string[] }
  /** At least one of `paths` must be set. */
  | { kind: "atLeastOneOf"; paths: string[] }
  /** Setting `path` requires every one of `with` to be set. */
  | { kind: "requiredWith"; path: string; with: string[] }
  /** A required input (Terraform `Required: true`) of a block that is present. */
  | { kind: "required"; path: string }
  /** The value must be one of `values` (StringInSlice, enum validators). */
  | { kind: "oneOf"; path: string; values: (string | number)[]; ignoreCase?: boolean }
  /** A number in [min, max] (IntBetween, IntAtLeast, FloatBetween...). */
  | { kind: "range"; path: string; min?: number; max?: number }
  /** A string or list length in [min, max] (StringLenBetween, MaxItems, MinItems). */
  | { kind: "length"; path: string; min?: number; max?: number }
  /** The string matches the regular expression (StringMatch, validation.All of them). */
  | { kind: "pattern"; path: string; pattern: string };

/** Each fact is tied to the line of source that states it. */
export type SourcedConstraint = Constraint & {
  /** File in the repository, and the function or schema key, e.g. `internal/service/cloudwatch/metric_alarm.go metric_query.metric`. */
  source: string;
};

export interface ResourceCalls {
  create: string[];
  read: string[];
  update: string[];
  delete: string[];
}

export interface ProviderResourceFacts {
  /** Pulumi type token, e.g. `aws:cloudwatch/metricAlarm:MetricAlarm`. */
  type: string;
  /** Files read, in the repository of the provider's `ProviderSource`. */
  files: string[];
  constraints: SourcedConstraint[];
  /** AWS types only. */
  calls?: ResourceCalls;
}

/** The input paths a constraint names. */
export function constraintPaths(c: Constraint): string[] {
  switch (c.kind) {
    case "conflictsWith":
    case "requiredWith":
      return [c.path, ...c.with];
    case "exactlyOneOf":
    case "atLeastOneOf":
      return c.paths;
    default:
      return [c.path];
  }
}
