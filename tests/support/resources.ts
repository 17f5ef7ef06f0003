/** Queries over a captured stack: by type and name, the registry resources, ids, secrets, JSON inputs. Not a test file. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { CapturedResource, CapturedStack } from "../../offline/mockRuntime";

export function ofType(c: CapturedStack, type: string): CapturedResource[] {
  return c.resources.filter((r) => r.type === type);
}

/** The one resource of this type and name (fails naming the ones of that type there are). */
export function one(c: CapturedStack, type: string, name: string): CapturedResource {
  const found = c.resources.filter((r) => r.type === type && r.name === name);
  assert.equal(
    found.length,
    1,
    `expected one ${type} named ${name}, found ${found.length}: ${ofType(c, type)
      .map((r) => r.name)
      .join(", ")}`,
  );
  return found[0]!;
}

export function none(c: CapturedStack, type: string): boolean {
  return !c.resources.some((r) => r.type === type);
}

/** Resources of the registries/image components: the providers, `app*` (ECR, AR) and `image*`. */
export function registryResources(c: CapturedStack): CapturedResource[] {
  return c.resources.filter(
    (r) =>
      r.type.startsWith("berth:providers:") ||
      (r.type.startsWith("pulumi:providers:") && r.name.startsWith("berth-")) ||
      r.type.startsWith("berth:registries:") ||
      r.type.startsWith("berth:image:") ||
      r.type.startsWith("aws:ecr/") ||
      r.type.startsWith("docker-build:") ||
      /^app(-|$)/.test(r.name),
  );
}

/** `<type> <name>` of each resource, sorted. */
export function sortedList(resources: CapturedResource[]): string[] {
  return resources.map((r) => `${r.type} ${r.name}`).sort();
}

/** `<type> <name>` of every resource of the stack, sorted. */
export function resourceList(c: CapturedStack): string[] {
  return sortedList(c.resources);
}

/** The id the mock gave a resource (mirrors offline/mockRuntime.ts when the capture does not record it). */
export function idOf(r: CapturedResource): string {
  if (r.physicalId) return r.physicalId;
  if (r.type.startsWith("aws:ec2/")) {
    const short = r.type.split("/")[1].split(":")[0].toLowerCase().slice(0, 6);
    return `${short}-${createHash("sha256").update(r.name).digest("hex").slice(0, 17)}`;
  }
  if (r.type === "aws:s3/bucket:Bucket" && r.state.bucket) return String(r.state.bucket);
  return `${r.name}-id`;
}

/** The signature the SDK marks a secret with (@pulumi/pulumi runtime/rpc.js `specialSigKey`, `specialSecretSig`). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Unwraps a secret as the mock sees it (`{ 4dabf18193072939515e22adb298388d: ..., value }`). */
export function unsecret(v: any): any {
  return v && typeof v === "object" && SECRET_SIG_KEY in v ? v.value : v;
}

export function isSecret(v: any): boolean {
  return !!v && typeof v === "object" && v[SECRET_SIG_KEY] === SECRET_SIG;
}

/** A JSON document input (a policy, a trust policy) as an object; an object as it is. */
export function json(value: unknown): any {
  return typeof value === "string" ? JSON.parse(value) : value;
}

/** Parses a JSON policy input into an object (fails when the input is not a JSON string). */
export function policyOf(r: CapturedResource, key = "policy"): { Statement: any[] } {
  const raw = r.inputs[key];
  assert.equal(typeof raw, "string", `${r.type} ${r.name}: ${key} is not a JSON string`);
  return JSON.parse(raw);
}
