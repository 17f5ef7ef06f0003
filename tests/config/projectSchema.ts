/**
 * A model of what the Pulumi CLI does with `Pulumi.yaml`'s `config:` block before the engine starts, and of every way
 * this repository runs a stack (the committed stack files, the `pulumi/actions` steps of the workflows with their
 * `config-map`, the README's commands). Not a test file: tests/config/projectSchema.test.ts imports it.
 *
 * Sources (pulumi/pulumi; function names are the CLI's, so a reader can check each rule against them):
 * - sdk/go/common/workspace/project.go: `ProjectConfigType`, `RewriteShorthandConfigValues`, `Project.Validate`,
 *   `ValidateConfigValue`, `InferFullTypeName`; sdk/go/common/workspace/project.json (`configTypeDeclaration`).
 * - pkg/workspace/config.go: `mergeConfig` (called by `ValidateStackConfigAndApplyProjectConfig` from
 *   pkg/cmd/pulumi/operations/up.go, preview.go, refresh.go and destroy.go, the latter only when it runs the program),
 *   `validateStackConfigValues`, `validateStackConfigValue`, `parseConfigKey`, `createConfigValue`,
 *   `missingStackConfigurationKeysError`, `formatMissingKeys`. Its own tests: pkg/workspace/config_project_test.go.
 * - sdk/go/common/workspace/loaders.go: `LoadProjectStackBytes` (`stackConfigNamespacedWithProject`: bare stack keys
 *   get the project's namespace; a missing stack file is an empty config).
 * - sdk/go/common/resource/config/object.go, value.go, map.go: how a stack file's YAML value becomes a `config.Value`
 *   (`unmarshalObject`, `object.MarshalString`: scalars become their text, mappings/lists JSON "objects",
 *   `{secure: ...}` a secure value) and `Map.Set` with `--path` (`coerce`).
 * - pkg/cmd/pulumi/config/config.go: `configSetCmd.Run` (`pulumi config set [--secret|--plaintext|--type] [--path]`),
 *   `newConfigSetAllCmd` (`pulumi config set-all --plaintext k=v --secret k=v`), `looksLikeSecret`;
 *   pkg/cmd/pulumi/config/io.go: `parseConfigKey` (bare keys get the project's namespace), `parseKeyValuePair`.
 * - pulumi/actions src/main.ts (`runAction`: `stack.setAllConfig(config.configMap)` before the command) and
 *   src/config.ts (`configMap: getYAMLInput('config-map')`); `setAllConfig` of @pulumi/pulumi's automation API
 *   (node_modules/@pulumi/pulumi/automation/localWorkspace.js) runs
 *   `pulumi config set-all --stack <s> (--secret|--plaintext) <key>=<value.value>` per entry.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

// ---------------------------------------------------------------------------------------------------------------
// Pulumi.yaml: the project's config declarations
// ---------------------------------------------------------------------------------------------------------------

/** project.go: arrayTypeName, integerTypeName, stringTypeName, booleanTypeName, objectTypeName (`object` since v3.186.0, pulumi/pulumi#20129). */
export const PULUMI_TYPES = ["string", "integer", "boolean", "array", "object"] as const;

export interface ItemsType {
  type: string;
  items?: ItemsType;
}

/** project.go `ProjectConfigType`. `default`/`value` are `undefined` when absent (Go: nil). */
export interface ConfigDeclaration {
  type?: string;
  description?: string;
  items?: ItemsType;
  default?: unknown;
  value?: unknown;
  secret: boolean;
}

export interface Project {
  name: string;
  /** Keys as written in Pulumi.yaml (`environment`, `aws:region`): the CLI's messages name them so. */
  config: Record<string, ConfigDeclaration>;
}

const DECLARATION_FIELDS = ["type", "items", "description", "secret", "default", "value"];

function isPrimitive(value: unknown): boolean {
  return (
    typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isInteger(value))
  );
}

/** project.go `configKeyIsNamespacedByProject`. */
function namespacedByProject(projectName: string, key: string): boolean {
  return !key.includes(":") || key.startsWith(`${projectName}:`);
}

/**
 * Loads Pulumi.yaml's `config:` as the CLI does: `RewriteShorthandConfigValues` (a scalar or list under a project key
 * is a `default`, under another namespace a `value`), the JSON schema's `configTypeDeclaration`
 * (additionalProperties: false; type one of PULUMI_TYPES; `items` required for arrays), then `Project.Validate`
 * (its messages verbatim). The CLI stops at the first problem; all are returned here.
 */
export function loadProject(doc: any): { project: Project; problems: string[] } {
  const problems: string[] = [];
  const name = typeof doc?.name === "string" ? doc.name : "";
  if (!name) problems.push("project is missing a 'name' attribute");
  const config: Record<string, ConfigDeclaration> = {};
  for (const [key, raw] of Object.entries((doc?.config ?? {}) as Record<string, unknown>)) {
    let entry: Record<string, unknown>;
    if (isPrimitive(raw) || Array.isArray(raw)) {
      entry = namespacedByProject(name, key) ? { default: raw } : { value: raw };
    } else if (raw !== null && typeof raw === "object") {
      entry = raw as Record<string, unknown>;
    } else {
      problems.push(`#/config/${key}: not a config value nor a configTypeDeclaration`);
      continue;
    }
    for (const field of Object.keys(entry)) {
      if (!DECLARATION_FIELDS.includes(field))
        problems.push(`#/config/${key}: additionalProperties '${field}' not allowed`);
    }
    if (entry.type !== undefined && !(PULUMI_TYPES as readonly string[]).includes(entry.type as string)) {
      problems.push(`#/config/${key}/type: value must be one of ${PULUMI_TYPES.map((t) => `"${t}"`).join(", ")}`);
    }
    if (entry.description !== undefined && typeof entry.description !== "string")
      problems.push(`#/config/${key}/description: expected string`);
    if (entry.secret !== undefined && typeof entry.secret !== "boolean")
      problems.push(`#/config/${key}/secret: expected boolean`);
    // yaml `default: null` decodes to Go nil, which is "no default".
    const decl: ConfigDeclaration = {
      type: entry.type as string | undefined,
      description: entry.description as string | undefined,
      items: entry.items as ItemsType | undefined,
      default: entry.default ?? undefined,
      value: entry.value ?? undefined,
      secret: entry.secret === true,
    };
    config[key] = decl;
    // Project.Validate
    if (decl.default !== undefined && decl.value !== undefined) {
      problems.push(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
      continue;
    }
    if (namespacedByProject(name, key)) {
      if (decl.type === "array" && decl.items === undefined) {
        problems.push(
          `The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`,
        );
      } else if (
        decl.type !== undefined &&
        decl.default !== undefined &&
        !validateConfigValue(decl.type, decl.items, decl.default)
      ) {
        problems.push(
          `The default value specified for configuration key '${key}' is not of the expected type '${inferFullTypeName(decl.type, decl.items)}'`,
        );
      }
    } else if (decl.type !== undefined) {
      problems.push(`Configuration key '${key}' is not namespaced by the project and should not define a type`);
    } else if (decl.default !== undefined) {
      problems.push(
        `Configuration key '${key}' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?`,
      );
    } else if (decl.value === undefined) {
      problems.push(`Configuration key '${key}' is namespaced and must provide an attribute 'value'`);
    }
  }
  return { project: { name, config }, problems };
}

/** project.go `InferFullTypeName`. */
export function inferFullTypeName(typeName: string, items?: ItemsType): string {
  return items ? `array<${inferFullTypeName(items.type, items.items)}>` : typeName;
}

/**
 * project.go `ValidateConfigValue`. `value` is what Go holds: a stack value's text (a string) unless the value is an
 * object (then its JSON, decoded: numbers are float64), or a Pulumi.yaml default as YAML decoded it.
 */
export function validateConfigValue(typeName: string, items: ItemsType | undefined, value: unknown): boolean {
  if (typeName === "string") return typeof value === "string";
  if (typeName === "integer") {
    if (typeof value === "number") return Number.isInteger(value); // int, or a float64 that is a whole number
    if (typeof value === "string") return /^[+-]?[0-9]+$/.test(value) && isInt64(value); // strconv.Atoi
    return false;
  }
  if (typeName === "boolean") return value === "true" || value === "false" || typeof value === "boolean";
  if (typeName === "object") return value !== null && typeof value === "object" && !Array.isArray(value);
  if (!Array.isArray(value) || items === undefined) return false;
  return value.every((item) => validateConfigValue(items.type, items.items, item));
}

function isInt64(text: string): boolean {
  const n = BigInt(text);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

// ---------------------------------------------------------------------------------------------------------------
// Stack configuration: what `Pulumi.<stack>.yaml` and `pulumi config set` hold
// ---------------------------------------------------------------------------------------------------------------

/**
 * config.Value: `text` is the value's text (a scalar's, or an object's JSON) with secure parts in plain text (the
 * CLI decrypts before validating; offline there is nothing to decrypt), `secure` marks an encrypted value (or an
 * object holding one), `object` a mapping or list.
 */
export interface ConfigValue {
  text: string;
  secure: boolean;
  object: boolean;
  /** `text` is still the ciphertext (a `secure:` value of a stack file); the CLI decrypts it before validating. */
  encrypted?: boolean;
}

/** The stack's config map, keyed `<namespace>:<name>`. */
export type StackConfig = Map<string, ConfigValue>;

/** config/key.go `ParseKey`: `ns:name`, or the old `ns:config:name`. */
export function parseKey(s: string): string {
  const parts = s.split(":");
  if (parts.length === 2) return s;
  if (parts.length === 3 && parts[1] === "config") return `${parts[0]}:${parts[2]}`;
  throw new Error(
    `could not parse ${s} as a configuration key (configuration keys should be of the form \`<namespace>:<name>\`)`,
  );
}

/** pkg/workspace/config.go `parseConfigKey` and pkg/cmd/pulumi/config/io.go `parseConfigKey` (no path): bare keys get the project's namespace. */
export function parseConfigKey(projectName: string, key: string): string {
  return key.includes(":") ? parseKey(key) : `${projectName}:${key}`;
}

function isSecureMapping(v: unknown): v is { secure: string } {
  return (
    v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    Object.keys(v).length === 1 &&
    typeof (v as any).secure === "string"
  );
}

/** A YAML value of a stack file, as `unmarshalObject` + `object.MarshalString` turn it into a config.Value. */
export function valueFromYaml(v: unknown): ConfigValue {
  if (typeof v === "string") return { text: v, secure: false, object: false };
  if (typeof v === "boolean" || typeof v === "number") return { text: JSON.stringify(v), secure: false, object: false };
  if (isSecureMapping(v)) return { text: v.secure, secure: true, object: false, encrypted: true };
  let secure = false;
  const plain = (x: unknown): unknown => {
    if (isSecureMapping(x)) {
      secure = true;
      return x.secure;
    }
    if (Array.isArray(x)) return x.map(plain);
    if (x !== null && typeof x === "object")
      return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, plain(y)]));
    return x;
  };
  // null (an empty value: LoadProjectStackBytes warns) is an object whose JSON is `null`.
  return { text: JSON.stringify(plain(v ?? null)), secure, object: true };
}

/** loaders.go `LoadProjectStackBytes`: a stack file's `config:` (a missing or empty file is an empty config). */
export function stackConfigFromYaml(doc: any, projectName: string): StackConfig {
  const out: StackConfig = new Map();
  for (const [key, value] of Object.entries((doc?.config ?? {}) as Record<string, unknown>)) {
    out.set(key.includes(":") ? parseKey(key) : `${projectName}:${key}`, valueFromYaml(value));
  }
  return out;
}

/** Reads `Pulumi.<stack>.yaml` (the file of a stack named `<org>/<project>/<stack>` is named after `<stack>`: paths.go `DetectProjectStackPath`). */
export function readStackFile(root: string, stack: string, projectName: string): StackConfig {
  const file = path.join(root, `Pulumi.${shortStackName(stack)}.yaml`);
  if (!fs.existsSync(file)) return new Map();
  return stackConfigFromYaml(parseYaml(fs.readFileSync(file, "utf8")), projectName);
}

export function shortStackName(stack: string): string {
  return stack.slice(stack.lastIndexOf("/") + 1);
}

/** object.go `coerce`: what an untyped string becomes inside an object set with `--path`. */
function coerce(text: string): unknown {
  if (text === "true") return true;
  if (text === "false") return false;
  if (text.length > 1 && text[0] === "0") return text;
  if (/^[+-]?[0-9]+$/.test(text)) return Number(text);
  return text;
}

export interface ConfigSetArgs {
  key: string;
  value: string;
  secret?: boolean;
  /** `--type string|int|bool|float`: the stored text is the same; only objects set with `--path` see the type. */
  type?: "string" | "int" | "bool" | "float";
  path?: boolean;
}

/** `pulumi config set` (config.go `configSetCmd.Run`, map.go `Map.Set`). */
export function configSet(config: StackConfig, projectName: string, args: ConfigSetArgs): void {
  const { top, rest } = splitPath(projectName, args.key, args.path === true);
  if (rest.length === 0) {
    config.set(top, { text: args.value, secure: args.secret === true, object: false });
    return;
  }
  const existing = config.get(top);
  const root: any = existing?.object ? JSON.parse(existing.text) : {};
  let node = root;
  for (const segment of rest.slice(0, -1)) {
    if (node[segment] === null || typeof node[segment] !== "object") node[segment] = {};
    node = node[segment];
  }
  const leaf =
    args.secret || args.type === "string"
      ? args.value
      : args.type === "int" || args.type === "float"
        ? Number(args.value)
        : args.type === "bool"
          ? args.value === "true"
          : coerce(args.value);
  node[rest[rest.length - 1]] = leaf;
  config.set(top, {
    text: JSON.stringify(root),
    secure: (existing?.secure ?? false) || args.secret === true,
    object: true,
  });
}

/** `pulumi config rm [--path]`. */
export function configRm(config: StackConfig, projectName: string, key: string, pathKey = false): void {
  const { top, rest } = splitPath(projectName, key, pathKey);
  if (rest.length === 0) {
    config.delete(top);
    return;
  }
  const existing = config.get(top);
  if (!existing?.object) return;
  const root: any = JSON.parse(existing.text);
  let node = root;
  for (const segment of rest.slice(0, -1)) node = node?.[segment];
  if (node && typeof node === "object") delete node[rest[rest.length - 1]];
  config.set(top, { ...existing, text: JSON.stringify(root) });
}

/** io.go `parseConfigKey` with `--path`: the namespace applies to the first segment only (dots only here; no `[i]`). */
function splitPath(projectName: string, key: string, pathKey: boolean): { top: string; rest: string[] } {
  if (!pathKey) return { top: parseConfigKey(projectName, key), rest: [] };
  if (key.includes("[")) throw new Error(`the model does not handle list indexes in --path keys: ${key}`);
  const [first, ...rest] = key.split(".");
  return { top: parseConfigKey(projectName, first), rest };
}

/** `pulumi config set-all` (config.go `newConfigSetAllCmd`, io.go `parseKeyValuePair`): plain texts are untyped strings. */
export function configSetAll(
  config: StackConfig,
  projectName: string,
  pairs: { pair: string; secret: boolean }[],
): void {
  for (const { pair, secret } of pairs) {
    let split = splitOnce(pair, "=");
    const first = pair[0];
    if (first === '"' || first === "'") split = splitOnce(pair.slice(1), `${first}=`);
    if (!split) throw new Error("config value must be in the form [key]=[value]");
    configSet(config, projectName, { key: split[0], value: split[1], secret });
  }
}

function splitOnce(s: string, sep: string): [string, string] | undefined {
  const i = s.indexOf(sep);
  return i < 0 ? undefined : [s.slice(0, i), s.slice(i + sep.length)];
}

/** config.go `keyPattern`: keys whose plain-text `config set` is refused when the value looks random (`looksLikeSecret`). */
export const SECRET_LOOKING_KEY = /passwd|pass|password|pwd|secret|token/i;

// ---------------------------------------------------------------------------------------------------------------
// mergeConfig: the check `pulumi up/preview/refresh/destroy` runs before the engine starts
// ---------------------------------------------------------------------------------------------------------------

/** config.go `formatMissingKeys` + `missingStackConfigurationKeysError`. */
export function missingKeysMessage(stackName: string, missing: string[]): string {
  const keys = [...missing];
  let list: string;
  if (keys.length === 1) list = `'${keys[0]}'`;
  else {
    keys.sort();
    list = keys
      .map((k, i) => (i === keys.length - 1 ? `and '${k}'` : i === keys.length - 2 ? `'${k}' ` : `'${k}', `))
      .join("");
  }
  return `Stack '${stackName}' is missing configuration ${keys.length > 1 ? "values" : "value"} ${list}`;
}

/** config.go `createConfigValue`: primitives (string, int, bool) as their text, anything else as a JSON object. */
function createConfigValue(raw: unknown): ConfigValue {
  if (isPrimitive(raw)) return { text: String(raw), secure: false, object: false };
  return { text: JSON.stringify(raw), secure: false, object: true };
}

/** The top-level entry and path of a declared key (config.Map `Get(key, path=true)`: `a.b` reads b inside a). */
function getPath(config: StackConfig, key: string): ConfigValue | undefined {
  const [ns, name] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
  const [first, ...rest] = name.split(".");
  const top = config.get(`${ns}:${first}`);
  if (rest.length === 0 || top === undefined) return top;
  if (!top.object) return undefined;
  let node: any = JSON.parse(top.text);
  for (const segment of rest) {
    if (node === null || typeof node !== "object" || !(segment in node)) return undefined;
    node = node[segment];
  }
  return typeof node === "string"
    ? { text: node, secure: top.secure, object: false }
    : { text: JSON.stringify(node), secure: top.secure, object: typeof node === "object" && node !== null };
}

export interface MergeResult {
  /** The CLI's error (up.go wraps it as `validating stack config: <error>`), or undefined when the stack may run. */
  error?: string;
  /** The stack config the program gets: the stack's values plus the project's defaults/values for unset keys. */
  config: StackConfig;
}

/**
 * config.go `mergeConfig` (no ESC environment: this project uses none). For each declaration, in sorted key order:
 * a key in the project's namespace that is not on the stack and has neither `default` nor `value` is missing (all
 * missing keys are reported together, first); an unset key with a `default` (or `value`) gets it, as a plain value.
 * Then `validateStackConfigValues`: for each explicitly typed declaration, a `secret: true` key whose value is not
 * secure is refused (a default is never secure, so `secret: true` with a `default` refuses every stack that does
 * not set the key itself), then the value must be of the declared type (`ValidateConfigValue` on the value's text,
 * or its JSON for objects). The first such error is returned. `validate: false` is `ApplyProjectConfig`
 * (`--skip-config-validation`, and `destroy` without `--run-program`).
 */
export function mergeConfig(
  stackName: string,
  project: Project,
  stack: StackConfig,
  validate = true,
  decrypt: (ciphertext: string) => string = () => {
    throw new Error("a secure value of a stack file cannot be decrypted offline: pass a decrypter");
  },
): MergeResult {
  const config: StackConfig = new Map([...stack].map(([k, v]) => [k, { ...v }]));
  const keys = Object.keys(project.config).sort();
  const missing: string[] = [];
  for (const projectKey of keys) {
    const decl = project.config[projectKey];
    const key = parseConfigKey(project.name, projectKey);
    const found = getPath(config, key) !== undefined;
    const hasDefault = decl.default !== undefined;
    const hasValue = decl.value !== undefined;
    if (!found && !hasValue && !hasDefault && key.slice(0, key.indexOf(":")) === project.name) {
      missing.push(projectKey);
      continue;
    }
    if (!found && (hasValue || hasDefault)) {
      const v = createConfigValue(hasDefault ? decl.default : decl.value);
      if (key.slice(key.indexOf(":") + 1).includes(".")) {
        configSet(config, project.name, { key, value: v.text, path: true });
      } else config.set(key, v);
    }
  }
  if (validate && missing.length > 0) return { error: missingKeysMessage(stackName, missing), config };
  if (validate) {
    for (const projectKey of keys) {
      const decl = project.config[projectKey];
      if (decl.type === undefined) continue; // `IsExplicitlyTyped`: untyped declarations are not validated
      let value = getPath(config, parseConfigKey(project.name, projectKey)) ?? {
        text: "",
        secure: false,
        object: false,
      };
      if (value.encrypted) value = { ...value, text: decrypt(value.text), encrypted: false };
      const error = validateStackConfigValue(stackName, projectKey, decl, value);
      if (error) return { error, config };
    }
  }
  return { config };
}

/** config.go `validateStackConfigValue`. */
export function validateStackConfigValue(
  stackName: string,
  projectKey: string,
  decl: ConfigDeclaration,
  value: ConfigValue,
): string | undefined {
  if (decl.secret && !value.secure)
    return `Stack '${stackName}' with configuration key '${projectKey}' must be encrypted as it's secret`;
  const content = value.object ? JSON.parse(value.text) : value.text;
  if (!validateConfigValue(decl.type!, decl.items, content)) {
    return `Stack '${stackName}' with configuration key '${projectKey}' must be of type '${inferFullTypeName(decl.type!, decl.items)}'`;
  }
  return undefined;
}

/** The config the program gets (PULUMI_CONFIG: text per key, objects as JSON) and which keys are secret (PULUMI_CONFIG_SECRET_KEYS). */
export function runtimeConfig(config: StackConfig): { config: Record<string, string>; secretKeys: string[] } {
  const out: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of config) {
    out[key] = value.text;
    if (value.secure) secretKeys.push(key);
  }
  return { config: out, secretKeys };
}

// ---------------------------------------------------------------------------------------------------------------
// The ways a stack is run: workflows (pulumi/actions) and README commands
// ---------------------------------------------------------------------------------------------------------------

/** One `pulumi up|preview|refresh|destroy` of a stack, with the stack config as it stands when the command starts. */
export interface StackRun {
  /** Where the run comes from, e.g. `.github/workflows/deploy.yml jobs.staging "pulumi up staging"`. */
  source: string;
  command: "up" | "preview" | "refresh" | "destroy";
  /** The stack's name as the CLI reports it (`s.Ref().Name()`: the last segment of `<org>/<project>/<stack>`). */
  stack: string;
  /** The project segment of a fully qualified stack name, when given. */
  project?: string;
  config: StackConfig;
  /** Whether the CLI validates (`destroy` without `--run-program` only applies the defaults). */
  validates: boolean;
  /** Commands of this run's sequence that the CLI may refuse or that leak a secret. */
  warnings: string[];
}

/** Values of the GitHub expression contexts (`vars`, `secrets`, `github`, ...) the runs are evaluated with. */
export type ExpressionContexts = Record<string, unknown>;

/**
 * A small evaluator of GitHub Actions expressions (docs.github.com/en/actions/reference/workflows-and-actions/
 * expressions): literals, property access (`a.b`, `a['b']`, `a[expr]`), `!`, `==`/`!=` (strings compared
 * ignoring case), `&&`/`||` (returning an operand), parentheses and `format()`. Anything else throws, so the test
 * fails instead of guessing.
 */
export function evaluateExpression(expr: string, contexts: ExpressionContexts): unknown {
  const tokens = expr.match(/'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_-]*|\d+(?:\.\d+)?|==|!=|&&|\|\||[!().,[\]]|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const expect = (t: string) => {
    if (next() !== t) throw new Error(`expression ${expr}: expected ${t}`);
  };
  const truthy = (v: unknown) =>
    !(v === false || v === 0 || v === "" || v === null || v === undefined || Number.isNaN(v));
  const equal = (a: unknown, b: unknown) =>
    typeof a === "string" && typeof b === "string" ? a.toLowerCase() === b.toLowerCase() : a === b;
  const primary = (): unknown => {
    const t = next();
    if (t === undefined) throw new Error(`expression ${expr}: unexpected end`);
    if (t === "(") {
      const v = or();
      expect(")");
      return postfix(v);
    }
    if (t === "!") return !truthy(primary());
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (/^\d/.test(t)) return Number(t);
    if (t === "true" || t === "false") return t === "true";
    if (t === "null") return null;
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() === "(") {
        next();
        const args: unknown[] = [];
        while (peek() !== ")") {
          args.push(or());
          if (peek() === ",") next();
        }
        expect(")");
        if (t !== "format") throw new Error(`expression ${expr}: function ${t} is not modelled`);
        return String(args[0]).replace(/\{\{|\}\}|\{(\d+)\}/g, (m, n) =>
          m === "{{" ? "{" : m === "}}" ? "}" : String(args[Number(n) + 1]),
        );
      }
      if (!(t in contexts)) throw new Error(`expression ${expr}: context ${t} is not provided`);
      return postfix(contexts[t]);
    }
    throw new Error(`expression ${expr}: unexpected ${t}`);
  };
  const postfix = (value: unknown): unknown => {
    let v: any = value;
    for (;;) {
      if (peek() === ".") {
        next();
        v = v?.[next()!];
      } else if (peek() === "[") {
        next();
        const k = or();
        expect("]");
        v = v?.[String(k)];
      } else return v;
    }
  };
  const comparison = (): unknown => {
    let v = primary();
    while (peek() === "==" || peek() === "!=") {
      const op = next();
      const r = primary();
      v = op === "==" ? equal(v, r) : !equal(v, r);
    }
    return v;
  };
  const and = (): unknown => {
    let v = comparison();
    while (peek() === "&&") {
      next();
      const r = comparison();
      v = truthy(v) ? r : v;
    }
    return v;
  };
  const or = (): unknown => {
    let v = and();
    while (peek() === "||") {
      next();
      const r = and();
      v = truthy(v) ? v : r;
    }
    return v;
  };
  const result = or();
  if (i !== tokens.length) throw new Error(`expression ${expr}: unexpected ${tokens[i]}`);
  return result;
}

/** Replaces every `${{ expr }}` of a workflow string. */
export function interpolate(text: string, contexts: ExpressionContexts): string {
  let out = "";
  let i = 0;
  for (;;) {
    const start = text.indexOf("${{", i);
    if (start < 0) return out + text.slice(i);
    out += text.slice(i, start);
    // The expression ends at the first `}}` outside a '...' string literal.
    let j = start + 3;
    let inString = false;
    while (j < text.length && (inString || !text.startsWith("}}", j))) {
      if (text[j] === "'") inString = !inString;
      j++;
    }
    if (j >= text.length) throw new Error(`unterminated expression in ${text}`);
    const v = evaluateExpression(text.slice(start + 3, j).trim(), contexts);
    out += v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
    i = j + 2;
  }
}

/** The combinations of a job's `strategy.matrix` (axes, then `include`, then `exclude`), or one empty combination. */
export function matrixCombinations(matrix: any): Record<string, unknown>[] {
  if (!matrix) return [{}];
  const axes = Object.entries(matrix).filter(([k]) => k !== "include" && k !== "exclude") as [string, unknown[]][];
  let combos: Record<string, unknown>[] = axes.length ? [{}] : [];
  for (const [k, values] of axes) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
  for (const inc of (matrix.include ?? []) as Record<string, unknown>[]) {
    const matching = combos.filter((c) => axes.every(([k]) => !(k in inc) || c[k] === inc[k]));
    if (axes.length && matching.length) matching.forEach((c) => Object.assign(c, inc));
    else combos.push({ ...inc });
  }
  const exclude = (matrix.exclude ?? []) as Record<string, unknown>[];
  return combos.filter((c) => !exclude.some((ex) => Object.entries(ex).every(([k, v]) => c[k] === v)));
}

export const PULUMI_ACTIONS = /^pulumi\/actions@/;
const RUN_COMMANDS = ["up", "update", "preview", "refresh", "destroy"];

/**
 * Every `pulumi/actions` step that runs a stack, per job and matrix combination, with the stack's config as it is
 * when the command starts: the committed `Pulumi.<stack>.yaml` (actions/checkout), then each earlier `run:` step's
 * `pulumi config set/rm` on that stack (same work tree), then the step's own `config-map` (set-all, before the
 * command: pulumi/actions src/main.ts `runAction`).
 */
export function workflowRuns(
  root: string,
  workflowFile: string,
  projectName: string,
  contexts: ExpressionContexts,
): StackRun[] {
  const doc = parseYaml(fs.readFileSync(path.join(root, workflowFile), "utf8"));
  const runs: StackRun[] = [];
  for (const [jobId, job] of Object.entries((doc.jobs ?? {}) as Record<string, any>)) {
    for (const combo of matrixCombinations(job.strategy?.matrix)) {
      const ctx = { ...contexts, matrix: combo };
      const stacks = new Map<string, StackConfig>();
      const stackConfig = (name: string) => {
        if (!stacks.has(name)) stacks.set(name, readStackFile(root, name, projectName));
        return stacks.get(name)!;
      };
      const env = { ...(doc.env ?? {}), ...(job.env ?? {}) };
      for (const step of (job.steps ?? []) as any[]) {
        const label = `${workflowFile} jobs.${jobId}${Object.keys(combo).length ? ` (${JSON.stringify(combo)})` : ""} "${step.name ?? step.uses ?? step.run}"`;
        if (typeof step.run === "string") {
          const stepEnv: Record<string, string> = {};
          for (const [k, v] of Object.entries({ ...env, ...(step.env ?? {}) }))
            stepEnv[k] = interpolate(String(v), ctx);
          const script = interpolate(step.run, ctx).replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a, b) => stepEnv[a ?? b] ?? m);
          for (const words of shellCommands(script)) applyConfigCommand(words, projectName, undefined, stackConfig);
          continue;
        }
        if (typeof step.uses !== "string" || !PULUMI_ACTIONS.test(step.uses)) continue;
        const w = (step.with ?? {}) as Record<string, unknown>;
        if (w.command === undefined) continue; // install-only
        const command = interpolate(String(w.command), ctx);
        if (!RUN_COMMANDS.includes(command)) continue; // `output` reads outputs only
        const fullName = interpolate(String(w["stack-name"]), ctx);
        const config = stackConfig(shortStackName(fullName));
        if (w["config-map"] !== undefined) {
          // getYAMLInput (js-yaml `load`); `yaml` parses the same JSON-style flow mappings.
          const map = parseYaml(interpolate(String(w["config-map"]), ctx)) as Record<
            string,
            { value: unknown; secret?: boolean }
          > | null;
          if (map) {
            configSetAll(
              config,
              projectName,
              Object.entries(map).map(([key, v]) => ({ pair: `${key}=${v.value}`, secret: Boolean(v.secret) })),
            );
          }
        }
        runs.push(
          run(
            label,
            command === "update" ? "up" : (command as StackRun["command"]),
            fullName,
            config,
            command !== "destroy",
            [],
          ),
        );
      }
    }
  }
  return runs;
}

function run(
  source: string,
  command: StackRun["command"],
  fullName: string,
  config: StackConfig,
  validates: boolean,
  warnings: string[],
): StackRun {
  const segments = fullName.split("/");
  return {
    source,
    command,
    stack: shortStackName(fullName),
    project: segments.length === 3 ? segments[1] : undefined,
    config: new Map([...config].map(([k, v]) => [k, { ...v }])),
    validates,
    warnings,
  };
}

/** Splits a shell script into commands (lines, `\` continuations, `&&`, `;`), each a list of words; comments dropped. */
export function shellCommands(script: string): string[][] {
  const commands: string[][] = [];
  for (const line of script.replace(/\\\n/g, " ").split("\n")) {
    let words: string[] = [];
    let word = "";
    let inWord = false;
    let quote: string | undefined;
    const end = () => {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    };
    const endCommand = () => {
      end();
      if (words.length) commands.push(words);
      words = [];
    };
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quote) {
        if (c === quote) quote = undefined;
        else word += c;
      } else if (c === "'" || c === '"') {
        quote = c;
        inWord = true;
      } else if (c === "#" && !inWord) break;
      else if (/\s/.test(c)) end();
      else if (c === ";" || (c === "&" && line[i + 1] === "&") || (c === "|" && line[i + 1] === "|")) {
        if (c !== ";") i++;
        endCommand();
      } else {
        word += c;
        inWord = true;
      }
    }
    endCommand();
  }
  return commands;
}

/** Flags of the `pulumi` commands modelled here that take a value. */
const VALUE_FLAGS = new Set([
  "-s",
  "--stack",
  "--type",
  "--policy-pack",
  "--policy-pack-config",
  "--config-file",
  "-m",
  "--message",
  "--secrets-provider",
  "-C",
  "--cwd",
  "--target",
  "--replace",
  "--exclude",
  "--parallel",
  "-p",
  "--plan",
]);

interface ParsedPulumi {
  sub: string[];
  positional: string[];
  flags: Record<string, string | true>;
  /** `config set-all` pairs in order. */
  pairs: { pair: string; secret: boolean }[];
}

function parsePulumi(words: string[]): ParsedPulumi | undefined {
  if (words[0] !== "pulumi") return undefined;
  const out: ParsedPulumi = { sub: [], positional: [], flags: {}, pairs: [] };
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w.startsWith("-")) {
      const [flag, inline] =
        w.includes("=") && w.startsWith("--")
          ? [w.slice(0, w.indexOf("=")), w.slice(w.indexOf("=") + 1)]
          : [w, undefined];
      if ((flag === "--secret" || flag === "--plaintext") && out.sub.join(" ") === "config set-all") {
        out.pairs.push({ pair: inline ?? words[++i], secret: flag === "--secret" });
      } else if (VALUE_FLAGS.has(flag)) out.flags[flag] = inline ?? words[++i];
      else out.flags[flag] = inline ?? true;
    } else if (out.positional.length === 0 && isSubcommand(out.sub)) out.sub.push(w);
    else out.positional.push(w);
  }
  return out;
}

function isSubcommand(sub: string[]): boolean {
  if (sub.length === 0) return true;
  if (sub.length === 1 && (sub[0] === "config" || sub[0] === "stack")) return true;
  return false;
}

/**
 * Applies one `pulumi ...` command: config set/set-all/rm change the stack's config; up/preview/refresh/destroy
 * return a run. `selected` is the stack a command without `-s` uses (the last `stack init`/`select`).
 */
function applyConfigCommand(
  words: string[],
  projectName: string,
  selected: { stack?: string } | undefined,
  stackConfig: (name: string) => StackConfig,
):
  | { command: StackRun["command"]; stack: string; validates: boolean; warning?: string }
  | { warning: string }
  | undefined {
  const p = parsePulumi(words);
  if (!p) return undefined;
  const sub = p.sub.join(" ");
  const stackFlag = (p.flags["-s"] ?? p.flags["--stack"]) as string | undefined;
  if ((sub === "stack init" || sub === "stack select") && selected) selected.stack = p.positional[0] ?? stackFlag;
  const stack = stackFlag ?? selected?.stack;
  const needStack = () => {
    if (!stack) throw new Error(`\`${words.join(" ")}\`: no -s and no stack selected before it`);
    return stackConfig(shortStackName(stack));
  };
  if (sub === "config set") {
    const [key, value] = p.positional;
    if (value === undefined)
      throw new Error(`\`${words.join(" ")}\`: the value is read from the terminal; the model needs it on the line`);
    const secret = p.flags["--secret"] === true;
    configSet(needStack(), projectName, {
      key,
      value,
      secret,
      path: p.flags["--path"] === true,
      type: p.flags["--type"] as ConfigSetArgs["type"],
    });
    if (!secret && p.flags["--plaintext"] !== true && SECRET_LOOKING_KEY.test(key.slice(key.lastIndexOf(":") + 1))) {
      return {
        warning: `\`${words.join(" ")}\`: a plain-text value of a secret-looking key is refused by \`pulumi config set\` when it looks random (config.go looksLikeSecret); use --secret`,
      };
    }
    return undefined;
  }
  if (sub === "config set-all") {
    configSetAll(needStack(), projectName, p.pairs);
    return undefined;
  }
  if (sub === "config rm") {
    configRm(needStack(), projectName, p.positional[0], p.flags["--path"] === true);
    return undefined;
  }
  if (RUN_COMMANDS.includes(p.sub[0]) && p.sub.length === 1) {
    needStack();
    const command = p.sub[0] === "update" ? "up" : (p.sub[0] as StackRun["command"]);
    return { command, stack: stack!, validates: command !== "destroy" || p.flags["--run-program"] === true };
  }
  return undefined;
}

/**
 * The documents whose commands are replayed: README.md, CONTRIBUTING.md and every Markdown file under docs/ and
 * examples/ (the walk-through lives in docs/bootstrap.md), so no documented command escapes the check.
 */
export function documentedCommandFiles(root: string): string[] {
  const under = (dir: string): string[] =>
    fs.existsSync(path.join(root, dir))
      ? fs
          .readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
          .filter((f) => f.endsWith(".md"))
          .map((f) => path.join(dir, f).split(path.sep).join("/"))
          .sort()
      : [];
  return ["README.md", "CONTRIBUTING.md", ...under("docs"), ...under("examples")].filter((f) =>
    fs.existsSync(path.join(root, f)),
  );
}

/**
 * The documents' command sequences: every fenced `sh`/`bash`/`shell` block and every inline code span that runs
 * `pulumi`, each replayed on a fresh clone. The stack files come from `stackRoot`: the documents are written for the
 * sample's stacks (its service names), so the suite passes the fixtures, not the user's committed files.
 * `<placeholders>` become `placeholder(text)`.
 */
export function readmeRuns(
  root: string,
  projectName: string,
  placeholder: (text: string) => string | string[],
  files: string[] = documentedCommandFiles(root),
  stackRoot: string = root,
): StackRun[] {
  const sequences: { where: string; script: string }[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    const lineOf = (index: number) => text.slice(0, index).split("\n").length;
    for (const m of text.matchAll(/^```(sh|bash|shell)\n([\s\S]*?)^```/gm))
      sequences.push({ where: `${file}:${lineOf(m.index!)}`, script: m[2] });
    const prose = text.replace(/^```[\s\S]*?^```/gm, (block) => block.replace(/[^\n]/g, " "));
    // Inline spans that name a stack are commands; the others (`pulumi up` waits ...) are prose.
    for (const m of prose.matchAll(
      /`([^`\n]*\bpulumi (?:up|preview|refresh|destroy|config)\b[^`\n]*(?: -s |--stack)[^`\n]*)`/g,
    ))
      sequences.push({ where: `${file}:${lineOf(m.index!)}`, script: m[1] });
  }
  // A placeholder with several values (`<stack>`: each stack) replays its sequence once per value.
  const variants = sequences.flatMap(({ where, script }) => {
    const multi = [...script.matchAll(/<([^<>\n]+)>/g)].map((m) => placeholder(m[1])).find(Array.isArray) as
      string[] | undefined;
    const fill = (pick: (values: string[]) => string) =>
      script.replace(/<([^<>\n]+)>/g, (_m, t: string) => {
        const v = placeholder(t);
        return Array.isArray(v) ? pick(v) : v;
      });
    return multi ? multi.map((_, i) => ({ where, script: fill((v) => v[i]) })) : [{ where, script: fill((v) => v[0]) }];
  });
  const runs: StackRun[] = [];
  for (const { where, script } of variants) {
    const stacks = new Map<string, StackConfig>();
    const stackConfig = (name: string) => {
      if (!stacks.has(name)) stacks.set(name, readStackFile(stackRoot, name, projectName));
      return stacks.get(name)!;
    };
    const selected: { stack?: string } = {};
    const warnings: string[] = [];
    for (const words of shellCommands(script)) {
      const r = applyConfigCommand(words, projectName, selected, stackConfig);
      if (r && "warning" in r && r.warning) warnings.push(r.warning);
      if (r && "command" in r)
        runs.push(
          run(
            `${where} \`${words.join(" ")}\``,
            r.command,
            r.stack,
            stackConfig(shortStackName(r.stack)),
            r.validates,
            [...warnings],
          ),
        );
    }
  }
  return runs;
}
