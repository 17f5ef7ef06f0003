/**
 * The engine's side of the CrossGuard analyzer protocol, for the offline plan and the tests: starts policy/index.ts
 * (transpiled to JavaScript once per content: offline/compiledPolicyPack.ts) as the Pulumi CLI starts a Node.js
 * policy pack, connects to the gRPC analyzer server `@pulumi/policy` runs there,
 * and sends what the engine sends. Enforcement levels, `getConfig()`, `remediate`, the per-resource calling
 * convention and preview's unknowns therefore come from CrossGuard itself, not from a model of it.
 *
 * How the CLI starts the pack (pulumi/pulumi):
 *  - sdk/go/common/resource/plugin/analyzer_plugin.go `NewPolicyAnalyzer`: runs the pack through the language host's
 *    `RunPlugin` with the engine address as the only argument;
 *  - sdk/nodejs/cmd/pulumi-language-nodejs/main.go `RunPlugin`: `node @pulumi/pulumi/cmd/run-policy-pack
 *    <engine-address> <pack-dir>`, working directory the pack's directory, `PULUMI_NODEJS_TYPESCRIPT=true` for the
 *    `typescript: true` runtime option of PulumiPolicy.yaml, and the stack as `PULUMI_NODEJS_ORGANIZATION`,
 *    `_PROJECT`, `_STACK`, `_DRY_RUN`, `PULUMI_CONFIG`;
 *  - the pack prints its port on stdout (node_modules/@pulumi/policy/server.js `serve`: `console.log(port)`).
 * What the engine then sends (pulumi/pulumi pkg/resource/deploy/step_generator.go): per resource `Remediate`, then
 * `Analyze` on the (remediated) inputs; once at the end `AnalyzeStack` with every resource's outputs, parents and
 * property dependencies. The pack config is reconciled and validated by the CLI before `Configure`
 * (pkg/resource/analyzer/config.go `ReconcilePolicyPackConfig`), reproduced in `reconcilePackConfig` below.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import type { EnforcementLevel } from "@pulumi/policy";
import { compiledPolicyPack } from "./compiledPolicyPack";

/* eslint-disable @typescript-eslint/no-require-imports */
// The protocol's generated code as @pulumi/pulumi ships it (server.js uses the same modules).
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const analyzerpb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const structpb = require("google-protobuf/google/protobuf/struct_pb");
const emptypb = require("google-protobuf/google/protobuf/empty_pb");

export const PACK_DIR = path.resolve(__dirname, "..", "policy");

/**
 * What the engine sends for a value preview cannot know yet: the unknown sentinel of the resource protocol
 * (node_modules/@pulumi/policy/proxy.js `unknownStringValue`, the same value as @pulumi/pulumi runtime/rpc.js
 * `unknownValue`). A policy that reads it gets `UnknownValueError`.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type PolicyConfigMap = Record<string, { enforcementLevel: EnforcementLevel; properties?: Record<string, unknown> }>;

export interface PolicyInfo {
  name: string;
  kind: "resource" | "stack";
  description: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: { properties: Record<string, Record<string, unknown>>; required?: string[] };
}

export interface AnalyzerInfo {
  name: string;
  version: string;
  policies: PolicyInfo[];
}

/** A resource as the engine hands it to the analyzer. */
export interface AnalyzerResource {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}

export interface Diagnostic {
  policyName: string;
  policyPackName: string;
  description: string;
  /** What the rule reported, without the policy description server.js puts in front of it. */
  message: string;
  enforcementLevel: EnforcementLevel;
  urn?: string;
}

interface Remediation {
  policyName: string;
  properties?: Record<string, unknown>;
  diagnostic?: string;
}

const LEVEL_NAMES: Record<number, EnforcementLevel> = {
  [analyzerpb.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerpb.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerpb.EnforcementLevel.REMEDIATE]: "remediate",
  [analyzerpb.EnforcementLevel.DISABLED]: "disabled",
};
const LEVEL_NUMBERS = Object.fromEntries(Object.entries(LEVEL_NAMES).map(([n, l]) => [l, Number(n)])) as Record<
  EnforcementLevel,
  number
>;

/** The request Remediate and Analyze both take: one resource with its inputs and options. */
function analyzeRequest(r: AnalyzerResource): any {
  const req = new analyzerpb.AnalyzeRequest();
  req.setType(r.type);
  req.setName(r.name);
  req.setUrn(r.urn);
  req.setProperties(struct(r.props));
  req.setOptions(options(r));
  return req;
}

/** JSON for a protobuf Struct: unknowns (the @pulumi/pulumi `unknown` marker of a preview) become the sentinel. */
function toWire(value: unknown, where = "props"): unknown {
  const output = require("@pulumi/pulumi/output") as { isUnknown(v: unknown): boolean };
  if (output.isUnknown(value)) return UNKNOWN;
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return value;
  if (Array.isArray(value)) return value.map((v, i) => (v === undefined ? null : toWire(v, `${where}[${i}]`)));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      if (v !== undefined) out[k] = toWire(v, `${where}.${k}`);
    return out;
  }
  throw new Error(
    `${where}: a ${Object.prototype.toString.call(value)} cannot be sent to the analyzer (not a JSON value)`,
  );
}

function struct(props: Record<string, unknown>) {
  return structpb.Struct.fromJavaScript(toWire(props) as Record<string, unknown>);
}

function options(r: AnalyzerResource) {
  const o = new analyzerpb.AnalyzerResourceOptions();
  o.setProtect(false);
  o.setIgnorechangesList([]);
  o.setAliasesList([]);
  o.setAdditionalsecretoutputsList([]);
  if (r.parent) o.setParent(r.parent);
  return o;
}

function unary<Req, Res>(client: any, method: string, req: Req): Promise<Res> {
  return new Promise((resolve, reject) =>
    client[method](req, (err: Error | null, res: Res) => (err ? reject(err) : resolve(res))),
  );
}

function diagnosticsOf(resp: any): Diagnostic[] {
  return resp.getDiagnosticsList().map((d: any) => {
    const description: string = d.getDescription();
    const full: string = d.getMessage();
    // server.js makeReportViolationFun: message = description + "\n" + what the rule reported.
    const message = full.startsWith(`${description}\n`) ? full.slice(description.length + 1) : full;
    return {
      policyName: d.getPolicyname(),
      policyPackName: d.getPolicypackname(),
      description,
      message,
      enforcementLevel: LEVEL_NAMES[d.getEnforcementlevel()],
      urn: d.getUrn() || undefined,
    };
  });
}

interface StartOptions {
  stack: string;
  project?: string;
  organization?: string;
  /** A preview (`pulumi preview`) rather than an update. */
  dryRun?: boolean;
  /** The stack's config as the program reads it (`berth:services` -> JSON string). */
  stackConfig?: Record<string, string>;
  /**
   * The pack's folder, started as given. Default: policy/ compiled to JavaScript once per content
   * (offline/compiledPolicyPack.ts), so run-policy-pack's type-checking ts-node has nothing to compile.
   */
  packDir?: string;
  /** How long to wait for the port (default 60 s: a TypeScript pack type-checks on its first start). */
  timeoutSeconds?: number;
}

/** A running policy pack and a client connected to it. Calls are made one at a time, as one engine would. */
export class PolicyAnalyzer {
  private queue: Promise<unknown> = Promise.resolve();
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any,
    readonly port: number,
    readonly stderr: () => string,
  ) {}

  /** Starts the pack in `packDir` exactly as the Pulumi CLI does and connects to the port it prints. */
  static async start(opts: StartOptions): Promise<PolicyAnalyzer> {
    const packDir = opts.packDir ?? compiledPolicyPack(PACK_DIR);
    const project = parseYaml(fs.readFileSync(path.join(packDir, "PulumiPolicy.yaml"), "utf8")) as {
      runtime?: { name?: string; options?: Record<string, unknown> };
    };
    if (project.runtime?.name !== "nodejs")
      throw new Error(`${packDir}/PulumiPolicy.yaml: runtime ${project.runtime?.name} is not nodejs`);
    const env: Record<string, string> = { ...(process.env as Record<string, string>) };
    if (project.runtime.options?.typescript === true) env.PULUMI_NODEJS_TYPESCRIPT = "true";
    env.PULUMI_NODEJS_ORGANIZATION = opts.organization ?? "organization";
    env.PULUMI_NODEJS_PROJECT = opts.project ?? "berth";
    env.PULUMI_NODEJS_STACK = opts.stack;
    env.PULUMI_NODEJS_DRY_RUN = String(opts.dryRun ?? false);
    if (opts.stackConfig) env.PULUMI_CONFIG = JSON.stringify(opts.stackConfig);
    // The language host resolves run-policy-pack from the pack's directory (locateModule).
    const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
    // The engine address is the CLI's own gRPC server; run-policy-pack drops it (`argv._.shift()`) and the
    // analyzer never dials it, so a placeholder stands in for it offline.
    const child = spawn(process.execPath, [runPolicyPack, "127.0.0.1:0", packDir], {
      cwd: packDir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr!.on("data", (d) => (err += String(d)));
    const killOnExit = () => child.kill();
    process.once("exit", killOnExit);
    child.once("exit", () => process.off("exit", killOnExit));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(
        () => reject(new Error(`policy pack ${packDir} printed no port within ${opts.timeoutSeconds ?? 60} s\n${err}`)),
        (opts.timeoutSeconds ?? 60) * 1000,
      );
      child.stdout!.on("data", (d) => {
        out += String(d);
        const line = out.split("\n")[0];
        if (out.includes("\n")) {
          clearTimeout(timer);
          const n = Number(line.trim());
          if (Number.isInteger(n) && n > 0) resolve(n);
          else reject(new Error(`policy pack ${packDir} printed ${JSON.stringify(line)} instead of its port\n${err}`));
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`policy pack ${packDir} exited (code ${code}) before printing its port:\n${err}`));
      });
    });
    // Neither the child nor its pipes keep this process alive: a test file ends when its tests end.
    child.unref();
    (child.stdout as any).unref?.();
    (child.stderr as any).unref?.();
    const client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 400 * 1024 * 1024,
    });
    return new PolicyAnalyzer(child, client, port, () => err);
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs `f` with no other caller's calls in between (Configure sets state the following calls read). */
  exclusive<T>(f: (a: PolicyAnalyzer) => Promise<T>): Promise<T> {
    return this.serial(() => f(this));
  }

  async info(): Promise<AnalyzerInfo> {
    const ai: any = await unary(this.client, "getAnalyzerInfo", new emptypb.Empty());
    return {
      name: ai.getName(),
      version: ai.getVersion(),
      policies: ai.getPoliciesList().map((p: any) => ({
        name: p.getName(),
        kind: p.getPolicyType() === analyzerpb.PolicyType.POLICY_TYPE_STACK ? "stack" : "resource",
        description: p.getDescription(),
        enforcementLevel: LEVEL_NAMES[p.getEnforcementlevel()],
        configSchema: p.getConfigschema()
          ? {
              properties: p.getConfigschema().getProperties()?.toJavaScript() ?? {},
              required: p.getConfigschema().getRequiredList(),
            }
          : undefined,
      })),
    };
  }

  async configureStack(opts: {
    stack: string;
    project: string;
    organization: string;
    dryRun: boolean;
    config?: Record<string, string>;
  }): Promise<void> {
    const req = new analyzerpb.AnalyzerStackConfigureRequest();
    req.setStack(opts.stack);
    req.setProject(opts.project);
    req.setOrganization(opts.organization);
    req.setDryRun(opts.dryRun);
    for (const [k, v] of Object.entries(opts.config ?? {})) req.getConfigMap().set(k, v);
    await unary(this.client, "configureStack", req);
  }

  /** `Configure`: the reconciled pack config, one entry per policy (pkg/engine's `ReconcilePolicyPackConfig` result). */
  async configure(config: PolicyConfigMap): Promise<void> {
    const req = new analyzerpb.ConfigureAnalyzerRequest();
    for (const [name, c] of Object.entries(config)) {
      const pc = new analyzerpb.PolicyConfig();
      pc.setEnforcementlevel(LEVEL_NUMBERS[c.enforcementLevel]);
      pc.setProperties(structpb.Struct.fromJavaScript((c.properties ?? {}) as Record<string, any>));
      req.getPolicyconfigMap().set(name, pc);
    }
    await unary(this.client, "configure", req);
  }

  async remediate(r: AnalyzerResource): Promise<Remediation[]> {
    const resp: any = await unary(this.client, "remediate", analyzeRequest(r));
    return resp.getRemediationsList().map((x: any) => ({
      policyName: x.getPolicyname(),
      properties: x.getProperties()?.toJavaScript(),
      diagnostic: x.getDiagnostic() || undefined,
    }));
  }

  async analyze(r: AnalyzerResource): Promise<Diagnostic[]> {
    return diagnosticsOf(await unary(this.client, "analyze", analyzeRequest(r)));
  }

  async analyzeStack(resources: AnalyzerResource[]): Promise<Diagnostic[]> {
    const req = new analyzerpb.AnalyzeStackRequest();
    req.setResourcesList(
      resources.map((r) => {
        const ar = new analyzerpb.AnalyzerResource();
        ar.setType(r.type);
        ar.setName(r.name);
        ar.setUrn(r.urn);
        ar.setProperties(struct(r.props));
        ar.setOptions(options(r));
        if (r.parent) ar.setParent(r.parent);
        ar.setDependenciesList(r.dependencies ?? []);
        for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
          const d = new analyzerpb.AnalyzerPropertyDependencies();
          d.setUrnsList(urns);
          ar.getPropertydependenciesMap().set(k, d);
        }
        return ar;
      }),
    );
    return diagnosticsOf(await unary(this.client, "analyzeStack", req));
  }

  close(): void {
    this.client.close();
    this.child.kill();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The CLI's pack config handling (pulumi/pulumi pkg/resource/analyzer/config.go).

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** `parsePolicyPackConfig`: a level string, or an object with an optional `enforcementLevel` and properties. */
export function parsePackConfig(
  raw: unknown,
): Record<string, { enforcementLevel?: EnforcementLevel; properties?: Record<string, unknown> }> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new Error("a policy pack config must be a JSON object");
  const out: Record<string, { enforcementLevel?: EnforcementLevel; properties?: Record<string, unknown> }> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (k === "environments") continue;
    if (typeof v === "string") {
      if (!LEVELS.includes(v as EnforcementLevel))
        throw new Error(`parsing enforcement level for "${k}": "${v}" is not a valid enforcement level`);
      out[k] = { enforcementLevel: v as EnforcementLevel };
    } else if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      const { enforcementLevel, ...properties } = v as Record<string, unknown>;
      if (
        enforcementLevel !== undefined &&
        (typeof enforcementLevel !== "string" || !LEVELS.includes(enforcementLevel as EnforcementLevel))
      ) {
        throw new Error(
          `parsing enforcement level for "${k}": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level`,
        );
      }
      if (enforcementLevel === undefined && Object.keys(properties).length === 0) continue;
      out[k] = {
        enforcementLevel: enforcementLevel as EnforcementLevel | undefined,
        properties: Object.keys(properties).length ? properties : undefined,
      };
    } else throw new Error(`parsing "${k}": ${JSON.stringify(v)} is not a valid value; must be a string or object`);
  }
  return out;
}

/**
 * `ReconcilePolicyPackConfig`: every policy at its default level with its schema defaults, then `all`, then each
 * policy's entry; the result is validated against each policy's config schema (errors as `<policy>: <problem>`).
 */
export function reconcilePackConfig(
  policies: PolicyInfo[],
  raw: unknown,
): { config: PolicyConfigMap; errors: string[] } {
  const given = parsePackConfig(raw);
  const result: Record<string, { enforcementLevel?: EnforcementLevel; properties?: Record<string, unknown> }> = {};
  for (const p of policies) {
    const defaults = Object.entries(p.configSchema?.properties ?? {}).filter(([, s]) => "default" in s);
    result[p.name] = {
      enforcementLevel: p.enforcementLevel,
      properties: defaults.length ? Object.fromEntries(defaults.map(([k, s]) => [k, s.default])) : undefined,
    };
  }
  const all = given["all"]?.enforcementLevel;
  if (all) for (const k of Object.keys(result)) result[k] = { ...result[k], enforcementLevel: all };
  for (const [name, c] of Object.entries(given)) {
    const prev = result[name] ?? {};
    result[name] = {
      enforcementLevel: c.enforcementLevel ?? prev.enforcementLevel,
      properties: c.properties || prev.properties ? { ...(prev.properties ?? {}), ...(c.properties ?? {}) } : undefined,
    };
  }
  const errors: string[] = [];
  for (const p of policies) {
    if (!p.configSchema) continue;
    for (const e of validateAgainstSchema(
      { type: "object", properties: p.configSchema.properties, required: p.configSchema.required },
      result[p.name]?.properties ?? {},
      "",
    ))
      errors.push(`${p.name}: ${e}`);
  }
  const config: PolicyConfigMap = {};
  for (const [name, c] of Object.entries(result))
    config[name] = { enforcementLevel: c.enforcementLevel ?? "advisory", properties: c.properties };
  return { config, errors };
}

const SCHEMA_KEYWORDS = new Set([
  "type",
  "properties",
  "required",
  "items",
  "enum",
  "minimum",
  "maximum",
  "default",
  "description",
]);

/**
 * The JSON Schema keywords Berth's rule schemas use, checked as gojsonschema (the CLI's validator) checks them. A
 * schema using any other keyword is refused rather than half-checked.
 */
function validateAgainstSchema(schema: Record<string, any>, value: unknown, at: string): string[] {
  const where = at || "(root)";
  for (const k of Object.keys(schema))
    if (!SCHEMA_KEYWORDS.has(k))
      throw new Error(
        `${where}: config schema keyword "${k}" is not checked offline (supported: ${[...SCHEMA_KEYWORDS].join(", ")})`,
      );
  const errors: string[] = [];
  const type = schema.type as string | undefined;
  const typeOk =
    type === undefined ||
    (type === "object" && typeof value === "object" && value !== null && !Array.isArray(value)) ||
    (type === "array" && Array.isArray(value)) ||
    (type === "string" && typeof value === "string") ||
    (type === "boolean" && typeof value === "boolean") ||
    (type === "number" && typeof value === "number") ||
    (type === "integer" && typeof value === "number" && Number.isInteger(value));
  if (!typeOk)
    return [
      `${where}: Invalid type. Expected: ${type}, given: ${Array.isArray(value) ? "array" : value === null ? "null" : typeof value === "number" ? (Number.isInteger(value) ? "integer" : "number") : typeof value}`,
    ];
  if (schema.enum && !schema.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(value)))
    errors.push(`${where}: must be one of ${schema.enum.map((e: unknown) => JSON.stringify(e)).join(", ")}`);
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum)
      errors.push(`${where}: Must be greater than or equal to ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      errors.push(`${where}: Must be less than or equal to ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items)
    value.forEach((v, i) =>
      errors.push(...validateAgainstSchema(schema.items, v, `${at ? at : ""}${at ? "." : ""}${i}`)),
    );
  if (type === "object" && value && typeof value === "object") {
    for (const r of schema.required ?? []) if (!(r in (value as object))) errors.push(`${r} is required`);
    for (const [k, s] of Object.entries(schema.properties ?? {})) {
      if (k in (value as object))
        errors.push(
          ...validateAgainstSchema(
            s as Record<string, any>,
            (value as Record<string, unknown>)[k],
            at ? `${at}.${k}` : k,
          ),
        );
    }
  }
  return errors;
}
