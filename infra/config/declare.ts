/**
 * One declaration per stack setting: its type, default (one value, or one per environment), allowed values, one line
 * of documentation, the stacks it applies to and, for a hardening setting, the policy rule that flags its opt-out and
 * the warning the stack prints. Readers (infra/config/*.ts) read every key through its declaration
 * (`ConfigSection.get`), so a default is written once, here; the reference pages (docs/reference/, written by
 * offline/reference.ts), the offline plan's hardening map and the opt-out warnings are all computed from the same
 * declarations. Cross-field checks (Fargate sizes, routes, priorities, budgets) stay hand-written in the readers.
 *
 * No runtime dependency: a small table of plain objects whose static types are inferred (`Infer<typeof SECTION>`),
 * keeping ConfigSection's behaviour: every problem collected with its key path, unknown keys refused.
 */
import type { Environment } from "./environment";

type StackKind = "aws" | "local" | "both";

/** A default that differs per environment. */
interface PerEnvironment<T> {
  readonly perEnvironment: { readonly staging: T; readonly prod: T; readonly local: T };
}

export function perEnvironment<T>(values: { staging: T; prod: T; local: T }): PerEnvironment<T> {
  return { perEnvironment: values };
}

type Default<T> = T | PerEnvironment<T>;

export function isPerEnvironment<T>(d: Default<T> | undefined): d is PerEnvironment<T> {
  return typeof d === "object" && d !== null && !Array.isArray(d) && "perEnvironment" in d;
}

/** The default of a declaration in one environment (undefined when the reader computes it). */
export function defaultIn<T>(d: Default<T> | undefined, environment: Environment): T | undefined {
  return isPerEnvironment(d) ? d.perEnvironment[environment] : d;
}

interface Hardening {
  /** The aws policy rule (policy/rules.ts) that flags the opt-out. */
  rule?: string;
  /** The rule in the local stack (Docker) when it differs from `rule`: null when no rule applies there. */
  localRule?: string | null;
  /** What the opt-out costs, as the stack's warning says it (`<key> is <value>: <warning>.`). */
  warning: string;
  /** The values that keep the hardening on (default: a boolean's `true`, or `[false]` for an opt-in such as forceDelete). */
  secure?: readonly unknown[];
  /** Warn only in these environments (where the opt-out is not the default). */
  warnIn?: readonly Environment[];
  /** The opt-out is covered by another setting of the same object (a service's own `logKmsKeyArn`). */
  waivedBy?: string;
  /** Benchmark controls it maps to, e.g. "FSBP ECS.5". */
  controls?: string;
}

interface Common {
  /** One line of documentation. */
  doc: string;
  /** Which stacks read it (default both). */
  applies?: StackKind;
  hardening?: Hardening;
  /**
   * Where it sits in Pulumi.yaml's schema: declared there with its default (`project`), declared without a default so
   * the CLI refuses a stack that does not set it (`projectRequired`), or (unset) validated by the program only.
   */
  schema?: "project" | "projectRequired";
  /** A sentence Pulumi.yaml's description adds to `doc` (what the CLI does with the key). */
  schemaNote?: string;
  /** Documented default when the reader computes it from other settings. */
  defaultText?: string;
}

interface IntegerField extends Common {
  kind: "integer";
  default?: Default<number>;
  min?: number;
  max?: number;
  oneOf?: readonly number[];
  allowed?: string;
}
interface PercentField extends Common {
  kind: "percent";
  default?: Default<number>;
  min: number;
  max: number;
}
interface BooleanField extends Common {
  kind: "boolean";
  default: Default<boolean>;
}
interface OneOfField<T extends string = string> extends Common {
  kind: "oneOf";
  values: readonly T[];
  default: Default<T>;
}
interface StringField<R extends boolean = boolean> extends Common {
  kind: "string";
  default?: Default<string>;
  pattern?: RegExp;
  allowed?: string;
  required?: R;
}
interface StringListField extends Common {
  kind: "stringList";
  default: Default<readonly string[]>;
  pattern?: RegExp;
  allowed?: string;
  minItems?: number;
}
interface StringMapField extends Common {
  kind: "stringMap";
  keyPattern?: RegExp;
  valuePattern?: RegExp;
  allowed?: string;
}
interface IntegerMapField extends Common {
  kind: "integerMap";
  min: number;
  max: number;
}
interface SectionField<F extends Fields = Fields> extends Common {
  kind: "section";
  fields: F;
}
/** A mapping of names to objects (`services: { web: {...} }`). */
interface SectionsField<F extends Fields = Fields> extends Common {
  kind: "sections";
  item: SectionField<F>;
  /** How the key path names an item in the reference (`<name>`). */
  itemName: string;
}
interface SectionListField<F extends Fields = Fields> extends Common {
  kind: "sectionList";
  item: SectionField<F>;
}

export type Field =
  | IntegerField
  | PercentField
  | BooleanField
  | OneOfField
  | StringField
  | StringListField
  | StringMapField
  | IntegerMapField
  | SectionField
  | SectionsField
  | SectionListField;
export type Fields = { readonly [key: string]: Field };

/** The value a declaration reads as. */
export type ValueOf<F> = F extends IntegerField | PercentField
  ? number
  : F extends BooleanField
    ? boolean
    : F extends OneOfField<infer T>
      ? T
      : F extends StringField & { required: true }
        ? string
        : F extends StringField & { default: Default<string> }
          ? string
          : F extends StringField
            ? string | undefined
            : F extends StringListField
              ? string[]
              : F extends StringMapField
                ? Record<string, string>
                : F extends IntegerMapField
                  ? Record<string, number>
                  : F extends SectionField<infer G>
                    ? Infer<G>
                    : F extends SectionsField<infer G>
                      ? Record<string, Infer<G>>
                      : F extends SectionListField<infer G>
                        ? Infer<G>[]
                        : never;

/** A section's TypeScript type, derived from its declaration. */
export type Infer<F extends Fields> = { -readonly [K in keyof F]: ValueOf<F[K]> };

type Opts<F> = Omit<F, "kind">;

export const integer = (o: Opts<IntegerField>): IntegerField => ({ kind: "integer", ...o });
export const percent = (o: Opts<PercentField>): PercentField => ({ kind: "percent", ...o });
export const boolean = (o: Opts<BooleanField>): BooleanField => ({ kind: "boolean", ...o });
export const oneOf = <const T extends string>(values: readonly T[], o: Omit<Opts<OneOfField<T>>, "values">) =>
  ({ kind: "oneOf", values, ...o }) as OneOfField<T>;
export function string<O extends Opts<StringField>>(o: O): O & { kind: "string" } {
  return { kind: "string", ...o };
}
export const stringList = (o: Opts<StringListField>): StringListField => ({ kind: "stringList", ...o });
export const stringMap = (o: Opts<StringMapField>): StringMapField => ({ kind: "stringMap", ...o });
export const integerMap = (o: Opts<IntegerMapField>): IntegerMapField => ({ kind: "integerMap", ...o });
export function section<const F extends Fields>(fields: F, o: Omit<Opts<SectionField<F>>, "fields">): SectionField<F> {
  return { kind: "section", fields, ...o };
}
export function sections<const F extends Fields>(
  item: SectionField<F>,
  o: Omit<Opts<SectionsField<F>>, "item">,
): SectionsField<F> {
  return { kind: "sections", item, ...o };
}
export function sectionList<const F extends Fields>(
  item: SectionField<F>,
  o: Omit<Opts<SectionListField<F>>, "item">,
): SectionListField<F> {
  return { kind: "sectionList", item, ...o };
}

/** The values that keep a hardening declaration on. */
function secureValues(field: Field): readonly unknown[] {
  if (field.hardening?.secure) return field.hardening.secure;
  if (field.kind === "boolean") {
    const d = defaultIn(field.default, "staging");
    return [d];
  }
  if (field.kind === "oneOf") return field.values;
  return [];
}

/** Every declaration under `root`, with its key path (`berth:services.<name>.hardening.nonRootUser`), in order. */
export function walk(fields: Fields, path: string, visit: (field: Field, keyPath: string, key: string) => void): void {
  for (const [key, field] of Object.entries(fields)) {
    const keyPath = path.includes(":") ? `${path}.${key}` : `${path}:${key}`;
    visit(field, keyPath, key);
    if (field.kind === "section") walk(field.fields, keyPath, visit);
    if (field.kind === "sections") walk(field.item.fields, `${keyPath}.${field.itemName}`, visit);
    if (field.kind === "sectionList") walk(field.item.fields, `${keyPath}[]`, visit);
  }
}

/**
 * The opt-out warnings of one object read through `fields` (`value` holds what was read, `keyPath` is the object's
 * key path): one per hardening declaration whose value is not one of its secure values, in declaration order. Nested
 * sections are followed; a key absent from `value` is skipped (callers may pass a part of a section).
 */
export function optOutWarnings(
  fields: Fields,
  value: Record<string, unknown>,
  keyPath: string,
  environment?: Environment,
  root: Record<string, unknown> = value,
): string[] {
  const out: string[] = [];
  for (const [key, field] of Object.entries(fields)) {
    const v = value[key];
    const path = keyPath.includes(":") ? `${keyPath}.${key}` : `${keyPath}:${key}`;
    if (field.kind === "section" && v && typeof v === "object") {
      out.push(...optOutWarnings(field.fields, v as Record<string, unknown>, path, environment, root));
      continue;
    }
    const h = field.hardening;
    if (!h || v === undefined || secureValues(field).includes(v)) continue;
    if (h.waivedBy && root[h.waivedBy] !== undefined) continue;
    if (h.warnIn && (environment === undefined || !h.warnIn.includes(environment))) continue;
    const where = h.warnIn && environment ? ` in ${environment}` : "";
    out.push(`${path} is ${String(v)}${where}: ${h.warning}.`);
  }
  return out;
}

/** One hardening declaration as the offline plan uses it: its key (`<name>` for each item of a map), rules, test. */
export interface HardeningSetting {
  key: string;
  /** True when the raw value keeps the hardening on (an absent key takes the secure default). */
  secure: (value: unknown) => boolean;
  rule?: string;
  /** The rule in the `local` stack (Docker containers) when it differs: `null` when no rule applies there. */
  localRule?: string | null;
}

/** Every hardening declaration under `fields`, in declaration order. */
export function hardeningSettings(fields: Fields, path: string): HardeningSetting[] {
  const out: HardeningSetting[] = [];
  walk(fields, path, (field, key) => {
    const h = field.hardening;
    if (!h) return;
    const ok = secureValues(field);
    const coerce = (v: unknown) => (field.kind === "boolean" && (v === "true" || v === "false") ? v === "true" : v);
    const setting: HardeningSetting = { key, secure: (v) => v === undefined || ok.includes(coerce(v)) };
    if (h.rule) setting.rule = h.rule;
    if (h.localRule !== undefined) setting.localRule = h.localRule;
    out.push(setting);
  });
  return out;
}
