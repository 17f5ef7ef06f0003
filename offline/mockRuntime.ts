/**
 * Evaluates the Berth program offline, under `pulumi.runtime.setMocks`: no Pulumi CLI, no provider plugin, no cloud
 * account. Used by the tests and by the offline plan (`scripts/plan`).
 *
 * The mocks echo every input and synthesise the outputs a provider would compute (ARNs, URLs, digests) in
 * `computedOutputs`, so the program's `apply`s run. Unknown invokes throw instead of returning `undefined`.
 * Traps it avoids: `setMocks` is awaited and config set before the program is imported (imported first, nothing
 * reaches the mocks), registrations are awaited (`waitForRPCs`), and mock state is global, so captures run one after another
 * (each call resets the mocks and the config; a fresh evaluation needs a fresh module URL: tests/support captureProgram).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { PROJECT } from "../infra/config/environment";

export const REPO_ROOT = path.resolve(__dirname, "..");

export interface CapturedResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  /** What the mock returned as state (inputs plus synthesised outputs). */
  state: Record<string, any>;
  custom: boolean;
  /** Set for reads (`StackReference`, `get` functions of resources). */
  id?: string;
  /** The URN the mock monitor gave the resource (its type path encodes the parents' types). */
  urn?: string;
  /** The parent's URN (a component, or the stack); used by the offline plan to draw the resource tree. */
  parentUrn?: string;
  /** The physical id the mock returned (for an S3 bucket, its name, as the real provider does). */
  physicalId?: string;
  /**
   * The resource options the engine would receive, read from the RegisterResourceRequest the SDK built
   * (@pulumi/pulumi runtime/resource.js, `registerResource`): the mocks' `newResource` never sees them. Absent for reads.
   */
  options?: RecordedOptions;
}

/** Resource options as sent to the engine (after the SDK applied inheritance: `protect` comes from the parent). */
interface RecordedOptions {
  /** `protect`, when the program (or a parent) set it. */
  protect?: boolean;
  /** `retainOnDelete`, when set. */
  retainOnDelete?: boolean;
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  /** Every URN this resource waits for: explicit `dependsOn` (components expanded to their children) and input references. */
  dependencies: string[];
  /** The URNs each input property references (the implicit dependencies); `dependencies` minus these is `dependsOn`. */
  propertyDependencies: Record<string, string[]>;
  customTimeouts: { create?: string; update?: string; delete?: string };
  /** The provider reference `<provider urn>::<id>` ("" for a component or the default provider). */
  provider: string;
}

/** The URNs a resource waits for through `dependsOn` only (not through an input that references the other resource). */
export function explicitDependencies(options: RecordedOptions): string[] {
  const implicit = new Set(Object.values(options.propertyDependencies).flat());
  return options.dependencies.filter((urn) => !implicit.has(urn));
}

function recordOptions(req: any): RecordedOptions | undefined {
  if (typeof req?.getIgnorechangesList !== "function") return undefined; // a read (ReadResourceRequest)
  const propertyDependencies: Record<string, string[]> = {};
  const map = req.getPropertydependenciesMap?.();
  map?.forEach?.((deps: any, key: string) => (propertyDependencies[key] = deps.getUrnsList()));
  const timeouts = req.getCustomtimeouts?.();
  return {
    protect: req.hasProtect?.() ? req.getProtect() : undefined,
    retainOnDelete: req.hasRetainondelete?.() ? req.getRetainondelete() : undefined,
    deleteBeforeReplace: req.getDeletebeforereplace(),
    ignoreChanges: req.getIgnorechangesList(),
    replaceOnChanges: req.getReplaceonchangesList?.() ?? [],
    dependencies: req.getDependenciesList(),
    propertyDependencies,
    customTimeouts: {
      create: timeouts?.getCreate?.() || undefined,
      update: timeouts?.getUpdate?.() || undefined,
      delete: timeouts?.getDelete?.() || undefined,
    },
    provider: req.getProvider?.() ?? "",
  };
}

interface CapturedInvoke {
  token: string;
  inputs: Record<string, any>;
}

export interface CapturedStack {
  stack: string;
  resources: CapturedResource[];
  invokes: CapturedInvoke[];
  /** The program's exported stack outputs, resolved. */
  outputs: Record<string, unknown>;
  /** The error the program threw while loading (a `ConfigError`, a refused promotion, ...). */
  error?: unknown;
  /**
   * What the program said through `pulumi.log.warn` / `pulumi.log.error` (no certificate, an emergency override, a
   * refused promotion, ...), in order. Messages logged later, inside an `apply`, are appended as they come.
   */
  warnings: string[];
  errors: string[];
  /** What it said through `pulumi.log.info` / `pulumi.log.debug` (kept off stdout, which carries the plan's JSON). */
  infos: string[];
}

export interface CaptureOptions {
  stack: string;
  /** Full config map (`berth:services`, `aws:region`, ...): values as strings, structured values as JSON. */
  config: Record<string, string>;
  /** Config keys to mark secret (as `pulumi config set --secret` would). */
  secretKeys?: string[];
  preview?: boolean;
  /**
   * Outputs of stacks read through `StackReference`, by fully qualified stack name. A reference to the stack being
   * captured (staging reads its own previous outputs) gets empty outputs (a first `up`) unless given here.
   */
  stackOutputs?: Record<string, Record<string, unknown>>;
  /** The Pulumi organization `pulumi.getOrganization()` returns (default `organization`, the DIY backends' name). */
  organization?: string;
  /** Extra invoke results by token; they win over the defaults. */
  invokes?: Record<string, (inputs: Record<string, any>) => Record<string, any>>;
  /** The program module to load; defaults to infra/index.ts. */
  program?: string;
  /**
   * `GITHUB_REPOSITORY` while the program loads (infra/index.ts reads it): unset unless given, so a capture run inside
   * GitHub Actions (the CI test job) evaluates the program as a laptop would.
   */
  githubRepository?: string;
  /** Where the engine log goes (default: new arrays, returned as `warnings`/`errors`); lets a caller keep the
   * messages even when the capture itself fails. */
  log?: { warnings: string[]; errors: string[] };
}

/** Reads `Pulumi.<stack>.yaml` into the flat config map the runtime uses (structured values as JSON strings). */
export function readStackConfig(stack: string, root = REPO_ROOT): Record<string, string> {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  const doc = parseYaml(fs.readFileSync(file, "utf8")) ?? {};
  return flattenConfig(doc.config ?? {});
}

export function flattenConfig(config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    const full = key.includes(":") ? key : `${PROJECT}:${key}`;
    if (value !== null && typeof value === "object" && "secure" in (value as object)) continue; // encrypted: not readable offline
    out[full] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

function fakeHash(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

/** Outputs a provider computes, synthesised deterministically from the type, name and inputs. */
export function computedOutputs(
  type: string,
  name: string,
  inputs: Record<string, any>,
  env: { region: string; accountId: string; gcpProject: string },
): Record<string, any> {
  const { region, accountId, gcpProject } = env;
  const service = type.split(":")[1]?.split("/")[0] ?? "x";
  const out: Record<string, any> = {};
  if (type.startsWith("aws:")) {
    out.arn = `arn:aws:${service}:${region}:${accountId}:${service}/${inputs.name ?? name}`;
  }
  switch (type) {
    case "aws:ecr/repository:Repository":
      out.repositoryUrl = `${accountId}.dkr.ecr.${region}.amazonaws.com/${inputs.name ?? name}`;
      out.registryId = accountId;
      out.arn = `arn:aws:ecr:${region}:${accountId}:repository/${inputs.name ?? name}`;
      break;
    case "aws:iam/role:Role":
      out.arn = `arn:aws:iam::${accountId}:role/${inputs.name ?? name}`;
      out.name = inputs.name ?? name;
      break;
    case "aws:iam/policy:Policy":
      out.arn = `arn:aws:iam::${accountId}:policy/${inputs.name ?? name}`;
      break;
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
      out.arn = `arn:aws:iam::${accountId}:oidc-provider/token.actions.githubusercontent.com`;
      break;
    case "aws:kms/key:Key":
      out.arn = `arn:aws:kms:${region}:${accountId}:key/${fakeHash(name).slice(0, 8)}-0000-4000-8000-${fakeHash(name).slice(8, 20)}`;
      out.keyId = out.arn.split("/")[1];
      break;
    case "aws:cloudwatch/logGroup:LogGroup":
      out.arn = `arn:aws:logs:${region}:${accountId}:log-group:${inputs.name ?? name}`;
      out.name = inputs.name ?? name;
      break;
    case "aws:ecs/cluster:Cluster":
      out.arn = `arn:aws:ecs:${region}:${accountId}:cluster/${inputs.name ?? name}`;
      out.name = inputs.name ?? name;
      break;
    case "aws:ecs/taskDefinition:TaskDefinition":
      out.revision = 1;
      out.arn = `arn:aws:ecs:${region}:${accountId}:task-definition/${inputs.family}:1`;
      out.arnWithoutRevision = `arn:aws:ecs:${region}:${accountId}:task-definition/${inputs.family}`;
      break;
    case "aws:ecs/service:Service":
      out.name = inputs.name ?? name;
      break;
    case "aws:lb/loadBalancer:LoadBalancer":
      out.arn = `arn:aws:elasticloadbalancing:${region}:${accountId}:loadbalancer/app/${inputs.name ?? name}/${fakeHash(name).slice(0, 16)}`;
      out.arnSuffix = `app/${inputs.name ?? name}/${fakeHash(name).slice(0, 16)}`;
      out.dnsName = `${inputs.name ?? name}-123456789.${region}.elb.amazonaws.com`;
      out.zoneId = "Z32O12XQLNTSW2";
      break;
    case "aws:lb/targetGroup:TargetGroup":
      out.arn = `arn:aws:elasticloadbalancing:${region}:${accountId}:targetgroup/${inputs.name ?? name}/${fakeHash(name).slice(0, 16)}`;
      out.arnSuffix = `targetgroup/${inputs.name ?? name}/${fakeHash(name).slice(0, 16)}`;
      break;
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      out.bucket = inputs.bucket ?? `${name}-${fakeHash(name).slice(0, 7)}`;
      out.arn = `arn:aws:s3:::${out.bucket}`;
      break;
    case "aws:ec2/vpc:Vpc":
      out.defaultSecurityGroupId = `sg-${fakeHash(name, "default").slice(0, 17)}`;
      break;
    case "aws:ec2/eip:Eip":
      out.allocationId = `eipalloc-${fakeHash(name).slice(0, 17)}`;
      out.publicIp = `198.51.100.${parseInt(fakeHash(name).slice(0, 2), 16) % 250}`;
      break;
    case "aws:lb/listener:Listener":
      out.arn = `arn:aws:elasticloadbalancing:${region}:${accountId}:listener/app/${name}/${fakeHash(name).slice(0, 16)}/${fakeHash(name, "l").slice(0, 16)}`;
      break;
    case "gcp:artifactregistry/repository:Repository": {
      const location = inputs.location ?? "europe-west1";
      const project = inputs.project ?? gcpProject;
      out.name = inputs.repositoryId;
      out.registryUri = `${location}-docker.pkg.dev/${project}/${inputs.repositoryId}`;
      break;
    }
    case "gcp:serviceaccount/account:Account":
      out.email = `${inputs.accountId}@${inputs.project ?? gcpProject}.iam.gserviceaccount.com`;
      out.name = `projects/${inputs.project ?? gcpProject}/serviceAccounts/${out.email}`;
      out.member = `serviceAccount:${out.email}`;
      break;
    case "gcp:iam/workloadIdentityPool:WorkloadIdentityPool":
      out.name = `projects/123456789012/locations/global/workloadIdentityPools/${inputs.workloadIdentityPoolId}`;
      break;
    case "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider":
      out.name = `projects/123456789012/locations/global/workloadIdentityPools/${inputs.workloadIdentityPoolId}/providers/${inputs.workloadIdentityPoolProviderId}`;
      break;
    case "docker-build:index:Image": {
      const digest = `sha256:${fakeHash(name, JSON.stringify(inputs.buildArgs ?? {}), JSON.stringify(inputs.tags ?? []))}`;
      out.digest = digest;
      out.ref = `${(inputs.tags?.[0] ?? name).split(":")[0]}@${digest}`;
      break;
    }
    case "docker:index/image:Image":
    case "docker:index/registryImage:RegistryImage":
      out.sha256Digest = `sha256:${fakeHash(name, inputs.name ?? "")}`;
      out.repoDigest = `${String(inputs.imageName ?? inputs.name).split(":")[0]}@${out.sha256Digest}`;
      break;
    case "docker:index/remoteImage:RemoteImage":
      out.repoDigest = `${String(inputs.name).split(/[:@]/)[0]}@sha256:${fakeHash(name, inputs.name ?? "")}`;
      out.imageId = `sha256:${fakeHash("id", name)}`;
      break;
    case "docker:index/container:Container":
      out.containerLogs = undefined;
      break;
  }
  return out;
}

function defaultInvokes(env: {
  region: string;
  accountId: string;
  gcpProject: string;
}): Record<string, (inputs: Record<string, any>) => Record<string, any>> {
  return {
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
      accountId: env.accountId,
      arn: `arn:aws:iam::${env.accountId}:user/offline`,
      userId: "OFFLINE",
      id: env.accountId,
    }),
    "aws:index/getRegion:getRegion": () => ({
      region: env.region,
      name: env.region,
      id: env.region,
      description: env.region,
      endpoint: `ec2.${env.region}.amazonaws.com`,
    }),
    "aws:index/getPartition:getPartition": () => ({
      partition: "aws",
      dnsSuffix: "amazonaws.com",
      id: "aws",
      reverseDnsPrefix: "com.amazonaws",
    }),
    "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
      names: ["a", "b", "c"].map((z) => `${env.region}${z}`),
      zoneIds: ["1", "2", "3"].map((z) => `az${z}`),
      id: env.region,
    }),
    "aws:ec2/getVpc:getVpc": (inputs) => ({
      id: inputs.id ?? "vpc-0123456789abcdef0",
      arn: `arn:aws:ec2:${env.region}:${env.accountId}:vpc/${inputs.id ?? "vpc-0123456789abcdef0"}`,
      cidrBlock: "10.20.0.0/16",
      cidrBlockAssociations: [],
      default: false,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      ownerId: env.accountId,
      state: "available",
      tags: {},
    }),
    // Offline stand-in for the regional Elastic Load Balancing account (the real id comes from the provider's table).
    "aws:elb/getServiceAccount:getServiceAccount": () => ({
      id: "000000000009",
      arn: "arn:aws:iam::000000000009:root",
    }),
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": () => ({
      userName: "AWS",
      password: "offline-ecr-password",
      authorizationToken: Buffer.from("AWS:offline-ecr-password").toString("base64"),
      proxyEndpoint: `https://${env.accountId}.dkr.ecr.${env.region}.amazonaws.com`,
      expiresAt: "2099-01-01T00:00:00Z",
      id: env.region,
    }),
    // An offline registry holds no image: ECR's DescribeImages answers a tag it lacks with ImageNotFoundException
    // (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html), which the provider's
    // aws_ecr_image data source passes on. Tests of a pushed or replicated image give their own answer.
    "aws:ecr/getImage:getImage": (inputs) => {
      const id =
        inputs.imageTag !== undefined ? `imageTag:'${inputs.imageTag}'` : `imageDigest:'${inputs.imageDigest}'`;
      throw new Error(
        `reading ECR Image: ImageNotFoundException: The image with imageId {${id}} does not exist within the repository with name '${inputs.repositoryName}' in the registry with id '${inputs.registryId ?? env.accountId}'`,
      );
    },
    "gcp:organizations/getClientConfig:getClientConfig": () => ({
      accessToken: "offline-gcp-access-token",
      project: env.gcpProject,
      region: "europe-west1",
      zone: "",
      id: "offline",
    }),
    "gcp:organizations/getProject:getProject": () => ({
      number: "123456789012",
      projectId: env.gcpProject,
      name: env.gcpProject,
      id: `projects/${env.gcpProject}`,
    }),
  };
}

/**
 * Loads the program under mocks with the given stack configuration and records every resource it registers.
 * Captures run one at a time (mock state is global); each call sets fresh mocks and config. The program module is
 * evaluated once per URL: pass a new `program` URL (tests/support `captureProgram`) to evaluate it again.
 */
export async function captureStack(opts: CaptureOptions): Promise<CapturedStack> {
  const pulumi = await import("@pulumi/pulumi");
  const env = {
    region: opts.config["aws:region"] ?? "eu-west-1",
    accountId: opts.config["berth:awsAccountId"] ?? "123456789012",
    gcpProject: opts.config["berth:gcpProject"] ?? "offline-project",
  };
  const resources: CapturedResource[] = [];
  const invokes: CapturedInvoke[] = [];
  const invokeTable = { ...defaultInvokes(env), ...(opts.invokes ?? {}) };
  // The engine log: without an engine, pulumi.log writes to the console; record it instead (one capture per process).
  const { warnings, errors } = opts.log ?? { warnings: [], errors: [] };
  const infos: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself is patched, as the SDK reads it
  const log = require("@pulumi/pulumi/log") as Record<"debug" | "info" | "warn" | "error", (msg: string) => void>;
  log.debug = (msg: string) => void infos.push(String(msg));
  log.info = (msg: string) => void infos.push(String(msg));
  log.warn = (msg: string) => void warnings.push(String(msg));
  log.error = (msg: string) => void errors.push(String(msg));

  // The mocks' newResource does not see the parent, URN or resource options; the mock monitor's request does. Record them by wrapping
  // the monitor's register/read calls, which call newResource synchronously, before their first await.
  let registering: { urn?: string; parentUrn?: string; options?: RecordedOptions } = {};
  const where = () => {
    const w = registering;
    registering = {};
    return w;
  };
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (args.type === "pulumi:pulumi:StackReference") {
          const wanted = String(args.inputs?.name ?? args.name);
          const isSelf = wanted === opts.stack || wanted.split("/").slice(-2).join("/") === `${PROJECT}/${opts.stack}`;
          const outputs = opts.stackOutputs?.[args.name] ?? opts.stackOutputs?.[wanted] ?? (isSelf ? {} : undefined);
          if (!outputs) throw new Error(`offline: no outputs given for StackReference ${args.name}`);
          const state = { ...args.inputs, outputs, secretOutputNames: [] };
          resources.push({
            type: args.type,
            name: args.name,
            inputs: args.inputs,
            state,
            custom: args.custom ?? true,
            id: args.id,
            ...where(),
            physicalId: args.id ?? args.name,
          });
          return { id: args.id ?? args.name, state };
        }
        // A first preview (`preview: true`): nothing exists yet, so the provider's computed outputs (ids, ARNs,
        // generated names) are unknown; an id of "" reads as unknown in a preview (@pulumi/pulumi runtime/rpc.js).
        const firstPreview = opts.preview === true && !args.id;
        const state = firstPreview
          ? { ...args.inputs }
          : { ...args.inputs, ...computedOutputs(args.type, args.name, args.inputs, env) };
        const id = firstPreview
          ? ""
          : args.id ||
            (args.type.startsWith("aws:ec2/")
              ? `${args.type.split("/")[1].split(":")[0].toLowerCase().slice(0, 6)}-${fakeHash(args.name).slice(0, 17)}`
              : (args.type === "aws:s3/bucket:Bucket" || args.type === "aws:s3/bucketV2:BucketV2") && state.bucket
                ? String(state.bucket)
                : `${args.name}-id`);
        resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          state,
          custom: args.custom ?? true,
          id: args.id,
          ...where(),
          physicalId: id,
        });
        return { id, state };
      },
      call(args) {
        invokes.push({ token: args.token, inputs: args.inputs });
        const fn = invokeTable[args.token];
        if (!fn) throw new Error(`offline: no mock for invoke ${args.token}`);
        return fn(args.inputs);
      },
    },
    PROJECT,
    opts.stack,
    opts.preview ?? false,
    opts.organization ?? "organization",
  );
  pulumi.runtime.setAllConfig(opts.config, opts.secretKeys ?? []);
  const monitor = (pulumi.runtime as any).getMonitor?.();
  for (const method of ["registerResource", "readResource"]) {
    const original = monitor?.[method]?.bind(monitor);
    if (!original || typeof monitor.newUrn !== "function") continue;
    monitor[method] = (req: any, callback: unknown) => {
      const parentUrn = req.getParent() || undefined;
      const options = recordOptions(req);
      registering = {
        urn: monitor.newUrn(parentUrn, req.getType(), req.getName()),
        parentUrn,
        ...(options ? { options } : {}),
      };
      return original(req, callback);
    };
  }

  const program = opts.program ?? path.join(REPO_ROOT, "infra", "index.ts");
  let exported: Record<string, unknown> = {};
  let error: unknown;
  const runRepository = process.env.GITHUB_REPOSITORY;
  if (opts.githubRepository === undefined) delete process.env.GITHUB_REPOSITORY;
  else process.env.GITHUB_REPOSITORY = opts.githubRepository;
  try {
    const mod = (await import(program)) as Record<string, unknown>;
    // `export = {...}` (CommonJS) arrives as `default`; named exports as themselves.
    exported = mod.default && typeof mod.default === "object" ? (mod.default as Record<string, unknown>) : mod;
  } catch (e) {
    error = e;
  } finally {
    if (runRepository === undefined) delete process.env.GITHUB_REPOSITORY;
    else process.env.GITHUB_REPOSITORY = runRepository;
  }
  await (pulumi.runtime as any).waitForRPCs?.();
  const outputs: Record<string, unknown> = {};
  if (!error) {
    for (const [key, value] of Object.entries(exported)) {
      if (key === "__esModule") continue;
      outputs[key] = await resolve(pulumi, value, opts.preview ?? false);
    }
  }
  return { stack: opts.stack, resources, invokes, outputs, error, warnings, errors, infos };
}

/** Resolves an Output (or a plain value) for assertions; unknown values in preview resolve to `undefined`. */
async function resolve(pulumi: typeof import("@pulumi/pulumi"), value: unknown, preview = false): Promise<unknown> {
  if (!pulumi.Output.isInstance(value) && (typeof value !== "object" || value === null)) return value;
  const out = pulumi.output(value as any);
  if (preview) {
    const known = await (out as any).isKnown;
    if (!known) return undefined;
  }
  return new Promise((r) => out.apply((v: unknown) => r(v)));
}
