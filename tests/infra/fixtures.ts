/** Shared fixtures of the infra tests (not a test file: no `.test.ts`). */
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { CapturedResource, CapturedStack } from "../../offline/mockRuntime";

export const SHA = "0123456789abcdef0123456789abcdef01234567";
export const OLD_SHA = "89abcdef0123456789abcdef0123456789abcdef";
export const STAGING_ACCOUNT = "111111111111";
export const PROD_ACCOUNT = "222222222222";
export const REGION = "eu-west-1";

/** Resources of the registries/image components: the providers, `app*` (ECR, AR) and `image*`. */
export function registryResources(stack: CapturedStack): CapturedResource[] {
  return stack.resources.filter(
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

export function sortedList(resources: CapturedResource[]): string[] {
  return resources.map((r) => `${r.type} ${r.name}`).sort();
}

export function one(stack: CapturedStack, type: string, name: string): CapturedResource {
  const found = stack.resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} ${name}, found ${found.length}`);
  return found[0];
}

export function none(stack: CapturedStack, type: string): boolean {
  return !stack.resources.some((r) => r.type === type);
}

/** Unwraps a secret as the mock sees it (`{ 4dabf18193072939515e22adb298388d: ..., value }`). */
export function unsecret(v: any): any {
  return v && typeof v === "object" && "4dabf18193072939515e22adb298388d" in v ? v.value : v;
}

export function isSecret(v: any): boolean {
  return !!v && typeof v === "object" && v["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270";
}

export interface IsolatedCapture {
  error?: string;
  errorName?: string;
  resources: number;
}

/**
 * Runs captureStack for each configuration in one fresh process (mock state is global to a process, so the test
 * runner's own is never touched); the program module is re-evaluated for each configuration.
 */
export function captureInFreshProcess(
  cases: { stack: string; config: Record<string, string> }[],
): Promise<IsolatedCapture[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "captureInFreshProcess.ts")], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("CAPTURE "));
      if (!line) return reject(new Error(`capture process exited ${code} without a result: ${err.slice(0, 2000)}`));
      resolve(JSON.parse(line.slice("CAPTURE ".length)));
    });
    child.stdin.end(JSON.stringify(cases));
  });
}
