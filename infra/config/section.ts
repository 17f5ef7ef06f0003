import { Problems } from "./problems";
import type { Environment } from "./environment";
import { defaultIn, type Field, type Fields, type ValueOf } from "./declare";

/** What a reader may give `get` beside the declaration: the environment, or a default/range it computes. */
interface ReadOptions {
  environment?: Environment;
  default?: unknown;
  min?: number;
  max?: number;
  allowed?: string;
}

/**
 * A typed, validating view of one object in the stack configuration (`berth:services.web`, ...).
 *
 * Every read names its key path in problems, falls back to the default (or a placeholder) so that reading goes on and
 * all problems are reported together, and remembers the key; `done()` then reports every key that no read asked for,
 * so a misspelt setting (`readOnlyRootFilesystem` for `readonlyRootFilesystem`) is an error instead of being ignored.
 */
export class ConfigSection {
  private readonly seen = new Set<string>();
  /** Keys asked about with `has` (`route`, `hardening`): known settings even when absent. */
  private readonly probed = new Set<string>();

  constructor(
    /** Key path of this object as the user writes it, e.g. `berth:ecr`. */
    readonly path: string,
    private readonly raw: Record<string, unknown>,
    readonly problems: Problems,
  ) {}

  /** Reads `value` at `key` as an object section; an absent key gives an empty section. */
  static of(path: string, value: unknown, problems: Problems): ConfigSection {
    if (value === undefined || value === null) return new ConfigSection(path, {}, problems);
    if (typeof value !== "object" || Array.isArray(value)) {
      problems.add(path, value, "an object (a YAML mapping)");
      return new ConfigSection(path, {}, problems);
    }
    return new ConfigSection(path, value as Record<string, unknown>, problems);
  }

  keyPath(key: string): string {
    // The root is written `berth:key`, nested keys `berth:key.sub`, as in `pulumi config set --path`.
    return this.path.includes(":") ? `${this.path}.${key}` : `${this.path}:${key}`;
  }

  has(key: string): boolean {
    this.probed.add(key);
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  /** The raw value, marking the key as known. */
  value(key: string): unknown {
    this.seen.add(key);
    return this.raw[key];
  }

  section(key: string): ConfigSection {
    return ConfigSection.of(this.keyPath(key), this.value(key), this.problems);
  }

  /** A map of named sections (`services: { web: {...}, worker: {...} }`), in the order given. */
  sections(key: string): [string, ConfigSection][] {
    const v = this.value(key);
    if (v === undefined || v === null) return [];
    if (typeof v !== "object" || Array.isArray(v)) {
      this.problems.add(this.keyPath(key), v, "a mapping of names to objects");
      return [];
    }
    return Object.entries(v as Record<string, unknown>).map(([name, item]) => [
      name,
      ConfigSection.of(`${this.keyPath(key)}.${name}`, item, this.problems),
    ]);
  }

  /** A list of objects (`replicateTo: [{accountId, region}, ...]`); each item is a section named `key[i]`. */
  sectionList(key: string): ConfigSection[] {
    const v = this.value(key);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.problems.add(this.keyPath(key), v, "a list of objects (a YAML sequence of mappings)");
      return [];
    }
    return v.map((item, i) => ConfigSection.of(`${this.keyPath(key)}[${i}]`, item, this.problems));
  }

  string(key: string, opts: { default?: string; pattern?: RegExp; allowed?: string } = {}): string | undefined {
    const v = this.value(key);
    if (v === undefined || v === null) return opts.default;
    if (typeof v !== "string" || (opts.pattern && !opts.pattern.test(v))) {
      this.problems.add(
        this.keyPath(key),
        v,
        opts.allowed ?? (opts.pattern ? `a string matching ${opts.pattern}` : "a string"),
      );
      return opts.default;
    }
    return v;
  }

  requiredString(key: string, opts: { pattern?: RegExp; allowed?: string } = {}): string {
    const v = this.string(key, opts);
    if (v === undefined) {
      if (!this.has(key)) this.problems.add(this.keyPath(key), undefined, opts.allowed ?? "a string (required)");
      return "";
    }
    return v;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const v = this.value(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
      this.problems.add(this.keyPath(key), v, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
      return fallback;
    }
    return v as T;
  }

  integer(
    key: string,
    opts: { default: number; min?: number; max?: number; oneOf?: readonly number[]; allowed?: string },
  ): number {
    const v = this.value(key);
    if (v === undefined || v === null) return opts.default;
    const n = typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
    const inRange =
      typeof n === "number" &&
      Number.isInteger(n) &&
      (opts.min === undefined || n >= opts.min) &&
      (opts.max === undefined || n <= opts.max) &&
      (opts.oneOf === undefined || opts.oneOf.includes(n));
    if (!inRange) {
      this.problems.add(this.keyPath(key), v, opts.allowed ?? describeIntegerRange(opts));
      return opts.default;
    }
    return n as number;
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.value(key);
    if (v === undefined || v === null) return fallback;
    if (v === true || v === "true") return true;
    if (v === false || v === "false") return false;
    this.problems.add(this.keyPath(key), v, "true or false");
    return fallback;
  }

  stringList(
    key: string,
    opts: { default: string[]; pattern?: RegExp; allowed?: string; minItems?: number },
  ): string[] {
    const v = this.value(key);
    if (v === undefined || v === null) return opts.default;
    const ok =
      Array.isArray(v) &&
      v.every((s) => typeof s === "string" && (!opts.pattern || opts.pattern.test(s))) &&
      v.length >= (opts.minItems ?? 0);
    if (!ok) {
      this.problems.add(
        this.keyPath(key),
        v,
        opts.allowed ??
          `a list of ${opts.minItems ? `at least ${opts.minItems} ` : ""}strings${opts.pattern ? ` matching ${opts.pattern}` : ""}`,
      );
      return opts.default;
    }
    return v as string[];
  }

  /** A mapping of string to string (environment variables, tags, secret references). */
  stringMap(
    key: string,
    opts: { keyPattern?: RegExp; valuePattern?: RegExp; allowed?: string } = {},
  ): Record<string, string> {
    const v = this.value(key);
    if (v === undefined || v === null) return {};
    if (typeof v !== "object" || Array.isArray(v)) {
      this.problems.add(this.keyPath(key), v, opts.allowed ?? "a mapping of names to strings");
      return {};
    }
    const out: Record<string, string> = {};
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      if (opts.keyPattern && !opts.keyPattern.test(k)) {
        this.problems.add(`${this.keyPath(key)}.${k}`, k, `a name matching ${opts.keyPattern}`);
        continue;
      }
      if (typeof item !== "string" || (opts.valuePattern && !opts.valuePattern.test(item))) {
        this.problems.add(`${this.keyPath(key)}.${k}`, item, opts.allowed ?? "a string");
        continue;
      }
      out[k] = item;
    }
    return out;
  }

  /**
   * Reads `key` through its declaration (infra/config/declare.ts): the declared default (or the environment's), range
   * and allowed text, unless the reader gives a computed one in `o`.
   */
  get<F extends Fields, K extends keyof F & string>(key: K, fields: F, o: ReadOptions = {}): ValueOf<F[K]> {
    const f = fields[key] as Field | undefined;
    if (!f) throw new Error(`${this.keyPath(key)} is not declared`);
    const fallback = (): any => {
      if ("default" in o) return o.default;
      const d = "default" in f ? f.default : undefined;
      if (d !== undefined && typeof d === "object" && d !== null && "perEnvironment" in d && !o.environment)
        throw new Error(`${this.keyPath(key)}: its default depends on the environment, and none was given`);
      const v = defaultIn(d as never, o.environment ?? "staging");
      return Array.isArray(v) ? [...v] : v;
    };
    const allowed = o.allowed ?? ("allowed" in f ? f.allowed : undefined);
    switch (f.kind) {
      case "integer": {
        const d = fallback();
        if (d === undefined) throw new Error(`${this.keyPath(key)}: no default declared or given`);
        return this.integer(key, {
          default: d,
          min: o.min ?? f.min,
          max: o.max ?? f.max,
          oneOf: f.oneOf,
          allowed,
        }) as ValueOf<F[K]>;
      }
      case "percent":
        return this.percent(key, fallback(), { min: f.min, max: f.max }) as ValueOf<F[K]>;
      case "boolean":
        return this.boolean(key, fallback()) as ValueOf<F[K]>;
      case "oneOf":
        return this.oneOf(key, f.values, fallback()) as ValueOf<F[K]>;
      case "string":
        if (f.required) return this.requiredString(key, { pattern: f.pattern, allowed }) as ValueOf<F[K]>;
        return this.string(key, { default: fallback(), pattern: f.pattern, allowed }) as ValueOf<F[K]>;
      case "stringList":
        return this.stringList(key, {
          default: fallback(),
          pattern: f.pattern,
          allowed,
          minItems: f.minItems,
        }) as ValueOf<F[K]>;
      case "stringMap":
        return this.stringMap(key, {
          keyPattern: f.keyPattern,
          valuePattern: f.valuePattern,
          allowed,
        }) as ValueOf<F[K]>;
      default:
        throw new Error(`${this.keyPath(key)}: a ${f.kind} is read by its reader, not by get`);
    }
  }

  /** Reads every scalar declaration of `fields` in order, then refuses unknown keys (a section with no cross-field rule). */
  readAll<F extends Fields>(
    fields: F,
    o: { environment?: Environment; defaults?: Partial<Record<keyof F, unknown>> } = {},
  ): { [K in keyof F]: ValueOf<F[K]> } {
    const out = {} as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      const given = o.defaults && key in o.defaults ? { default: o.defaults[key] } : {};
      out[key] = this.get(key, fields, { environment: o.environment, ...given });
    }
    this.done();
    return out as { [K in keyof F]: ValueOf<F[K]> };
  }

  /** A number that is a multiple of 0.1 in [min, max] (ECS's percentages); numeric strings are accepted as `pulumi config set --path` gives them. */
  percent(key: string, fallback: number, range: { min: number; max: number }): number {
    const v = this.value(key);
    if (v === undefined || v === null) return fallback;
    const n = typeof v === "string" && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;
    const tenths = typeof n === "number" ? Math.round(n * 10) : NaN;
    if (
      typeof n !== "number" ||
      !Number.isFinite(n) ||
      Math.abs(n * 10 - tenths) > 1e-9 ||
      n < range.min ||
      n > range.max
    ) {
      this.problems.add(this.keyPath(key), v, `a multiple of 0.1 from ${range.min} to ${range.max} (ECS API)`);
      return fallback;
    }
    return tenths / 10;
  }

  /** Reports every key of this object that no read asked for. Call after the last read. */
  done(): void {
    const known = [...new Set([...this.seen, ...this.probed])].sort();
    for (const key of Object.keys(this.raw)) {
      if (!this.seen.has(key)) {
        const hint = this.problems.unknownKeyHint(this.path, key, known);
        this.problems.add(
          this.keyPath(key),
          this.raw[key],
          `a known setting of ${this.path}: ${known.join(", ") || "(none)"}${hint ? ` (${hint})` : ""}`,
        );
      }
    }
  }
}

function describeIntegerRange(opts: { min?: number; max?: number; oneOf?: readonly number[] }): string {
  if (opts.oneOf) return `one of ${opts.oneOf.join(", ")}`;
  if (opts.min !== undefined && opts.max !== undefined) return `an integer from ${opts.min} to ${opts.max}`;
  if (opts.min !== undefined) return `an integer >= ${opts.min}`;
  if (opts.max !== undefined) return `an integer <= ${opts.max}`;
  return "an integer";
}
