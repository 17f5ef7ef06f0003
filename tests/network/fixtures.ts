/** Shared helpers of the network tests: stack configuration with overrides, capture, lookups by type and name. */
import * as path from "node:path";
import { createHash } from "node:crypto";
import assert from "node:assert/strict";
import {
  captureStack,
  readStackConfig,
  type CapturedResource,
  type CapturedStack,
  type CaptureOptions,
} from "../../offline/mockRuntime";

export const SHA = "0123456789abcdef0123456789abcdef01234567";
export const NETWORK_PROGRAM = path.join(__dirname, "networkProgram.ts");

/** The stack file's configuration, with `berth:<key>` values replaced (objects as JSON) or removed (`undefined`). */
export function stackConfig(stack: string, overrides: Record<string, unknown> = {}): Record<string, string> {
  const config: Record<string, string> = { ...readStackConfig(stack), "berth:imageSha": SHA };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete config[key];
    else config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return config;
}

export function captureNetwork(
  stack: string,
  config: Record<string, string>,
  extra: Partial<CaptureOptions> = {},
): Promise<CapturedStack> {
  return captureStack({ stack, config, program: NETWORK_PROGRAM, ...extra });
}

export function ofType(c: CapturedStack, type: string): CapturedResource[] {
  return c.resources.filter((r) => r.type === type);
}

export function one(c: CapturedStack, type: string, name: string): CapturedResource {
  const found = c.resources.filter((r) => r.type === type && r.name === name);
  assert.equal(found.length, 1, `expected exactly one ${type} named ${name}, found ${found.length}`);
  return found[0];
}

/** The id the mock gave a resource (mirrors offline/mockRuntime.ts when the capture does not record it). */
export function idOf(r: CapturedResource): string {
  const recorded = (r as CapturedResource & { physicalId?: string }).physicalId;
  if (recorded) return recorded;
  if (r.type.startsWith("aws:ec2/")) {
    const short = r.type.split("/")[1].split(":")[0].toLowerCase().slice(0, 6);
    return `${short}-${createHash("sha256").update(r.name).digest("hex").slice(0, 17)}`;
  }
  if (r.type === "aws:s3/bucket:Bucket" && r.state.bucket) return String(r.state.bucket);
  return `${r.name}-id`;
}

export function resourceList(c: CapturedStack): string[] {
  return c.resources.map((r) => `${r.type} ${r.name}`).sort();
}

/** Parses a JSON policy input into an object. */
export function policyOf(r: CapturedResource, key = "policy"): { Statement: any[] } {
  const raw = r.inputs[key];
  assert.equal(typeof raw, "string", `${r.type} ${r.name}: ${key} is not a JSON string`);
  return JSON.parse(raw);
}
