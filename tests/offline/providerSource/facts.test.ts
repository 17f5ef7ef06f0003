/**
 * The provider facts (offline/providerSource/) are data read from the providers' sources by hand; this checks that the
 * data itself is well formed against the npm packages Berth installs, so a typo cannot make a constraint silently
 * never apply: each type token names a class the package declares (`node_modules/@pulumi/<pkg>/<module>/<resource>.d.ts`,
 * module `index` at the package root), every constraint path starts with an input of that class's `...Args`
 * interface, each entry names the files it was read from and each constraint one of them, and API calls are IAM
 * actions (`service:Action`, AWS types only). Which facts exist is up to each area's file; this holds for all of them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  constraintPaths,
  PROVIDER_FACTS,
  SOURCES,
  type Constraint,
  type ProviderResourceFacts,
} from "../../../offline/providerSource";

const PULUMI_PACKAGES = path.join(__dirname, "..", "..", "..", "node_modules", "@pulumi");

interface TypeToken {
  pkg: string;
  module: string;
  resource: string;
  className: string;
}

/**
 * `aws:ecs/service:Service` -> aws, ecs, service, Service; `github:index/actionsVariable:ActionsVariable` -> module
 * index; a native provider's `docker-build:index:Image` has no resource part: its file is the class name in lower camel
 * case (image.d.ts).
 */
export function parseTypeToken(type: string): TypeToken {
  const m = /^([a-z0-9-]+):([A-Za-z0-9]+)(?:\/([A-Za-z0-9]+))?:([A-Za-z][A-Za-z0-9]*)$/.exec(type);
  if (!m) throw new Error(`type token ${type} is not <package>:<module>/<resource>:<Class>`);
  const resource = m[3] ?? m[4][0].toLowerCase() + m[4].slice(1);
  return { pkg: m[1], module: m[2], resource, className: m[4] };
}

/**
 * The declaration file of a token: `<resource>.d.ts` in the module's folder (the package root for `index`), matched
 * without case (`gcp:serviceaccount/iAMMember:IAMMember` is serviceaccount/iammember.d.ts), or undefined.
 */
function declarationFile(t: TypeToken): string | undefined {
  const dir = t.module === "index" ? path.join(PULUMI_PACKAGES, t.pkg) : path.join(PULUMI_PACKAGES, t.pkg, t.module);
  if (!fs.existsSync(dir)) return undefined;
  const name = fs.readdirSync(dir).find((f) => f.toLowerCase() === `${t.resource.toLowerCase()}.d.ts`);
  return name === undefined ? undefined : path.join(dir, name);
}

/** The top-level property names of `export interface <Class>Args { ... }` in a declaration file. */
export function argsInputs(dts: string, className: string): Set<string> {
  const start = dts.indexOf(`export interface ${className}Args {`);
  if (start < 0) throw new Error(`no interface ${className}Args`);
  const body = dts.slice(start, dts.indexOf("\n}", start));
  const names = [...body.matchAll(/^ {4}(?:readonly )?([A-Za-z_$][\w$]*)\??:/gm)].map((m) => m[1]);
  return new Set(names);
}

/** The first segment of `metricQueries[].metric.period`: `metricQueries`. */
export function firstSegment(p: string): string {
  return p.split(".")[0].replace(/\[\]$/, "");
}

const IAM_ACTION = /^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/;

/** What is wrong with one entry, as sentences naming the type and the path (empty when well formed). */
export function factProblems(f: ProviderResourceFacts): string[] {
  const problems: string[] = [];
  let token: TypeToken;
  try {
    token = parseTypeToken(f.type);
  } catch (e) {
    return [(e as Error).message];
  }
  const file = declarationFile(token);
  if (file === undefined)
    return [`${f.type}: no declaration file of ${token.resource} is in node_modules/@pulumi/${token.pkg}`];
  const dts = fs.readFileSync(file, "utf8");
  // An invoke (`aws:ec2/getVpc:getVpc`, a lower-case function name): the package declares the function and invokes
  // exactly this token; it has no inputs to constrain, and what it calls is read.
  if (/^[a-z]/.test(token.className)) {
    const js = file.replace(/\.d\.ts$/, ".js");
    if (!new RegExp(`export declare function ${token.className}\\(`).test(dts))
      problems.push(`${f.type}: ${path.relative(PULUMI_PACKAGES, file)} declares no function ${token.className}`);
    if (!fs.existsSync(js) || !fs.readFileSync(js, "utf8").includes(`"${f.type}"`))
      problems.push(`${f.type}: ${path.relative(PULUMI_PACKAGES, js)} does not invoke this token`);
    if (f.constraints.length > 0) problems.push(`${f.type}: an invoke has no inputs the provider checks here`);
    const calls = f.calls ?? { create: [], read: [], update: [], delete: [] };
    if (calls.create.length + calls.update.length + calls.delete.length > 0)
      problems.push(`${f.type}: an invoke only reads`);
    for (const call of calls.read)
      if (!IAM_ACTION.test(call)) problems.push(`${f.type}: read call ${call} is not service:Action`);
    return problems;
  }
  if (!new RegExp(`export declare class ${token.className} extends`).test(dts))
    problems.push(`${f.type}: ${path.relative(PULUMI_PACKAGES, file)} declares no class ${token.className}`);
  // The class registers under exactly this token (its `__pulumiType`), so a lookup by type finds it.
  const js = file.replace(/\.d\.ts$/, ".js");
  if (!fs.existsSync(js) || !fs.readFileSync(js, "utf8").includes(`__pulumiType = '${f.type}'`))
    problems.push(`${f.type}: ${path.relative(PULUMI_PACKAGES, js)} does not register this type token`);
  let inputs = new Set<string>();
  try {
    inputs = argsInputs(dts, token.className);
  } catch (e) {
    problems.push(`${f.type}: ${(e as Error).message}`);
  }
  if (f.files.length === 0) problems.push(`${f.type}: names no file it was read from`);
  for (const c of f.constraints) {
    for (const p of constraintPaths(c)) {
      if (!inputs.has(firstSegment(p)))
        problems.push(`${f.type}: ${c.kind} path ${p} is not an input of ${token.className}Args`);
    }
    const sourceFile = c.source.split(" ")[0];
    if (!f.files.includes(sourceFile))
      problems.push(
        `${f.type}: the source of ${c.kind} ${constraintPaths(c).join(", ")} (${c.source}) names no file of the entry`,
      );
    if ((c.kind === "range" || c.kind === "length") && c.min !== undefined && c.max !== undefined && c.min > c.max)
      problems.push(`${f.type}: ${c.kind} ${c.path} has min ${c.min} > max ${c.max}`);
    if (c.kind === "oneOf" && c.values.length === 0) problems.push(`${f.type}: oneOf ${c.path} allows no value`);
    if (c.kind === "pattern") {
      try {
        new RegExp(c.pattern);
      } catch {
        problems.push(`${f.type}: pattern ${c.path} /${c.pattern}/ is not a regular expression`);
      }
    }
  }
  if (token.pkg === "aws") {
    if (!f.calls) problems.push(`${f.type}: an AWS type lists no calls`);
    else
      for (const [op, calls] of Object.entries(f.calls) as [string, string[]][]) {
        // Some operations call nothing (a default security group's delete only forgets it); create and read always call.
        if (calls.length === 0 && (op === "create" || op === "read")) problems.push(`${f.type}: ${op} lists no call`);
        for (const call of calls)
          if (!IAM_ACTION.test(call)) problems.push(`${f.type}: ${op} call ${call} is not service:Action`);
      }
  } else if (f.calls) {
    problems.push(`${f.type}: calls are for AWS types only`);
  }
  return problems;
}

test("each provider fact names a class and Args inputs the installed package declares, its files, and IAM actions", () => {
  const problems = PROVIDER_FACTS.flatMap(factProblems);
  assert.deepEqual(problems, []);
});

test("a type token has at most one entry", () => {
  const types = PROVIDER_FACTS.map((f) => f.type);
  assert.deepEqual(
    types.filter((t, i) => types.indexOf(t) !== i),
    [],
  );
});

test("the checks catch a mistyped path, a missing class, a source outside the files and a malformed call", () => {
  const good: ProviderResourceFacts = {
    type: "aws:ecs/service:Service",
    files: ["internal/service/ecs/service.go"],
    constraints: [
      { kind: "required", path: "loadBalancers[].containerName", source: "internal/service/ecs/service.go x" },
    ],
    calls: {
      create: ["ecs:CreateService"],
      read: ["ecs:DescribeServices"],
      update: ["ecs:UpdateService"],
      delete: ["ecs:DeleteService"],
    },
  };
  assert.deepEqual(factProblems(good), []);
  assert.match(
    factProblems({
      ...good,
      constraints: [{ ...good.constraints[0], path: "loadBalancer[].containerName" }] as Constraint[] as never,
    }).join("\n"),
    /loadBalancer\[\]\.containerName is not an input of ServiceArgs/,
  );
  assert.match(factProblems({ ...good, type: "aws:ecs/service:Servise" }).join("\n"), /declares no class Servise/);
  assert.match(
    factProblems({ ...good, type: "aws:ecs/Service:Service" }).join("\n"),
    /does not register this type token/,
  );
  assert.match(factProblems({ ...good, type: "aws:ecs/servise:Service" }).join("\n"), /no declaration file of servise/);
  assert.match(
    factProblems({ ...good, constraints: [{ ...good.constraints[0], source: "service.go x" }] as never }).join("\n"),
    /names no file of the entry/,
  );
  assert.match(
    factProblems({ ...good, calls: { ...good.calls!, read: ["ecs.DescribeServices"] } }).join("\n"),
    /read call ecs\.DescribeServices is not service:Action/,
  );
  assert.match(
    factProblems({ ...good, type: "github:index/actionsVariable:ActionsVariable" }).join("\n"),
    /AWS types only/,
  );
});

test("each source names the installed version of its package, the repository and the commit read", () => {
  for (const [key, source] of Object.entries(SOURCES)) {
    const installed = JSON.parse(fs.readFileSync(path.join(PULUMI_PACKAGES, key, "package.json"), "utf8")) as {
      version: string;
    };
    assert.equal(source.package, `@pulumi/${key}`, `${key}: package`);
    assert.equal(source.packageVersion, installed.version, `${key}: packageVersion is not the installed version`);
    assert.match(source.repository, /^[\w.-]+\/[\w.-]+$/, `${key}: repository is not owner/name`);
    assert.ok(source.wrappedVersion.length > 0, `${key}: wrappedVersion`);
    assert.match(source.commit, /^[0-9a-f]{40}$/, `${key}: commit is not a 40-hex commit id`);
  }
});
