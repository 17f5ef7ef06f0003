// Removing one service from the stack config removes exactly its resources: the staging stack with and without
// `worker`, each captured in its own process. Everything else registers with the same inputs, except the ECR pull
// grant, which lists the remaining services' execution roles only.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT } from "../../infra/offline/mockRuntime";
import { expectedServiceResources, FARGATE_SERVICE } from "./servicesStack";

interface Captured {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

function capture(stack: string, drop?: string): Captured[] {
  const out = execFileSync(process.execPath, ["--import", "tsx", path.join(__dirname, "captureResources.ts"), stack, ...(drop ? [drop] : [])], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as Captured[];
}

const key = (r: Captured) => `${r.type} ${r.name}`;
let full: Captured[];
let reduced: Captured[];

before(() => {
  full = capture("staging");
  reduced = capture("staging", "worker");
});

test("the full stack has both services; the reduced one only web", () => {
  assert.deepEqual(full.filter((r) => r.type === FARGATE_SERVICE).map((r) => r.name).sort(), ["web", "worker"]);
  assert.deepEqual(reduced.filter((r) => r.type === FARGATE_SERVICE).map((r) => r.name), ["web"]);
});

test("exactly the worker's resources are gone, nothing is added", () => {
  const reducedKeys = new Set(reduced.map(key));
  const fullKeys = new Set(full.map(key));
  const removed = full.map(key).filter((k) => !reducedKeys.has(k)).sort();
  assert.deepEqual(removed, [...expectedServiceResources("worker"), `${FARGATE_SERVICE} worker`].sort());
  assert.deepEqual(reduced.map(key).filter((k) => !fullKeys.has(k)), []);
});

test("every other resource keeps its inputs, except the ECR pull grant (the worker's execution role is no longer in it)", () => {
  const before = new Map(full.map((r) => [key(r), r]));
  const changed = reduced.filter((r) => JSON.stringify(r.inputs) !== JSON.stringify(before.get(key(r))!.inputs)).map(key);
  assert.deepEqual(changed, ["aws:ecr/repositoryPolicy:RepositoryPolicy pull"]);
  const grant = reduced.find((r) => key(r) === "aws:ecr/repositoryPolicy:RepositoryPolicy pull")!;
  const allow = JSON.parse(String(grant.inputs.policy)).Statement.find((s: any) => s.Effect === "Allow");
  const principals = (grantIn: Captured[]) =>
    JSON.parse(String(grantIn.find((r) => key(r) === "aws:ecr/repositoryPolicy:RepositoryPolicy pull")!.inputs.policy)).Statement.find((s: any) => s.Effect === "Allow").Principal.AWS as string[];
  const gone = principals(full).filter((p) => !principals(reduced).includes(p));
  assert.deepEqual(gone, ["arn:aws:iam::111111111111:role/berth-staging-worker-execution"]);
  assert.ok(allow.Principal.AWS.includes("arn:aws:iam::111111111111:role/berth-staging-web-execution"));
});
