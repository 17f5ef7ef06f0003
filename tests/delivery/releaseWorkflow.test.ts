/**
 * Issue 12, items 5 and 6, the workflow side: a pushed tag vX.Y.Z runs deploy.yml for that commit with
 * berth:releaseTag (validated from env, never interpolated into a script; accepted only on a commit of main), the
 * Trivy job gates on Trivy's exit code even where the SARIF upload is unavailable, and every job that runs the test
 * suite sets up the .NET SDK that global.json pins.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../offline/mockRuntime";
import { loadSettings, PROJECT } from "../../infra/config";
import { imageTagsFor, RELEASE_TAG_PATTERN } from "../../infra/config/source";
import { loadProject, mergeConfig, runtimeConfig, workflowRuns } from "../config/projectSchema";
import { parse as parseYaml } from "yaml";
import { readWorkflow, SHA } from "../support";

const deploy = () => readWorkflow("deploy.yml").doc;
const releaseStep = () => deploy().jobs.staging.steps.find((s: any) => s.id === "release");

/** Runs the release step's script as the runner would (bash -e, env from the step), in a git work tree. */
function runReleaseStep(
  cwd: string,
  env: Record<string, string>,
): { status: number | null; output: string; stderr: string } {
  const out = path.join(cwd, "github_output");
  fs.writeFileSync(out, "");
  const r = spawnSync("bash", ["-e", "-c", releaseStep().run], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH!, HOME: cwd, GITHUB_OUTPUT: out, ...env },
  });
  return { status: r.status, output: fs.readFileSync(out, "utf8"), stderr: r.stderr };
}

/** A work tree as actions/checkout with fetch-depth 0 leaves it: HEAD at the pushed commit, origin/main fetched. */
function checkout(onMain: boolean): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-release-"));
  const git = (...args: string[]) => {
    const r = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      cwd: dir,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
  };
  git("init", "-q", "-b", "main");
  git("commit", "-q", "--allow-empty", "-m", "one");
  git("commit", "-q", "--allow-empty", "-m", "two");
  git("update-ref", "refs/remotes/origin/main", "HEAD");
  if (!onMain) {
    git("checkout", "-q", "-b", "unreviewed");
    git("commit", "-q", "--allow-empty", "-m", "not on main");
  } else {
    git("checkout", "-q", "--detach", "HEAD~1"); // an older commit of main is still a commit of main
  }
  return dir;
}

test("deploy.yml runs on main and on pushed tags v*.*.* (GitHub filter pattern), nothing else", () => {
  assert.deepEqual(deploy().on, { push: { branches: ["main"], tags: ["v*.*.*"] } });
});

test("the release step reads the ref from env (no ${{ }} in its script) and the staging checkout fetches main's history", () => {
  const step = releaseStep();
  assert.deepEqual(step.env, { REF_TYPE: "${{ github.ref_type }}", REF_NAME: "${{ github.ref_name }}" });
  assert.doesNotMatch(step.run, /\$\{\{/);
  const steps = deploy().jobs.staging.steps;
  const co = steps.find((s: any) => String(s.uses).startsWith("actions/checkout@"));
  assert.equal(
    co.with["fetch-depth"],
    0,
    "git merge-base needs origin/main (actions/checkout: fetch-depth 0 fetches all branches)",
  );
  const up = steps.findIndex((s: any) => s.id === "up");
  assert.ok(steps.indexOf(step) < up, "validated before the pulumi up");
});

test("the release step accepts exactly what berth:releaseTag accepts (infra/config/source.ts), on a commit of main only", () => {
  const main = checkout(true);
  const samples = [
    "v1.4.2",
    "v0.0.0",
    "v10.20.30",
    "v01.2.3",
    "v1.2",
    "v1.2.3-rc.1",
    "1.2.3",
    'v1.2.3", "berth:deploySha',
    "v1.2.3\nv",
    "V1.2.3",
  ];
  for (const tag of samples) {
    const r = runReleaseStep(main, { REF_TYPE: "tag", REF_NAME: tag });
    const accepted = RELEASE_TAG_PATTERN.test(tag);
    assert.equal(r.status === 0, accepted, `${JSON.stringify(tag)}: exit ${r.status} ${r.stderr}`);
    assert.equal(r.output, accepted ? `tag=${tag}\n` : "", JSON.stringify(tag));
  }
  assert.ok(samples.filter((t) => RELEASE_TAG_PATTERN.test(t)).length === 3, "both kinds of samples");
  const branch = runReleaseStep(main, { REF_TYPE: "branch", REF_NAME: "main" });
  assert.equal(branch.status, 0);
  assert.equal(branch.output, "tag=\n", "a push to main is no release");
  const off = runReleaseStep(checkout(false), { REF_TYPE: "tag", REF_NAME: "v1.4.2" });
  assert.notEqual(off.status, 0, "a tag on a commit that is not on main deploys nothing");
  assert.match(off.stderr, /not a commit of main/);
  assert.equal(off.output, "");
});

/** GitHub contexts of a tag push (docs.github.com/en/actions/reference/workflows-and-actions/contexts#github-context). */
function contexts(refType: "tag" | "branch", refName: string) {
  const proxy = (f: (k: string) => unknown) => new Proxy({}, { get: (_t, k) => f(String(k)) });
  return {
    github: {
      sha: SHA,
      run_id: "1",
      actor: "octocat",
      repository: "example-org/berth",
      ref_type: refType,
      ref_name: refName,
    },
    vars: proxy((k) => (k === "PULUMI_ORGANIZATION" ? "example-org" : `var-${k}`)),
    secrets: proxy((k) => `secret-${k}`),
    needs: proxy(() => ({
      outputs: {
        digest: `sha256:${"ab".repeat(32)}`,
        "ghcr-image": "ghcr.io/example-org/berth@sha256:" + "ab".repeat(32),
      },
    })),
    // The release step's output as it writes it: the validated tag on a tag push, empty on main.
    steps: proxy((id) => ({
      outputs: proxy((k) => (id === "release" && k === "tag" ? (refType === "tag" ? refName : "") : "step-output")),
    })),
  };
}

test("a v1.4.2 tag push: staging's pulumi up gets berth:releaseTag=v1.4.2 (CLI config check passes) and the program tags the image v1.4.2-<sha>", () => {
  const { project } = loadProject(parseYaml(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")));
  for (const [refType, refName, expected] of [
    ["tag", "v1.4.2", "v1.4.2"],
    ["branch", "main", undefined],
  ] as const) {
    const runs = workflowRuns(
      REPO_ROOT,
      path.join(".github", "workflows", "deploy.yml"),
      PROJECT,
      contexts(refType, refName),
    );
    const staging = runs.find((r) => r.command === "up" && r.stack === "staging")!;
    assert.equal(staging.config.get("berth:releaseTag")?.text, expected, `${refType} ${refName}`);
    const merged = mergeConfig("staging", project, staging.config, true);
    assert.equal(merged.error, undefined);
    const { config, secretKeys } = runtimeConfig(merged.config);
    const settings = loadSettings(config, {
      stack: "staging",
      git: () => assert.fail("CI passes the SHA"),
      isSecret: (k) => secretKeys.includes(k),
    });
    assert.deepEqual(imageTagsFor(settings.source), expected ? [SHA, `${expected}-${SHA}`] : [SHA]);
    const prod = runs.find((r) => r.command === "up" && r.stack === "prod")!;
    assert.equal(prod.config.get("berth:releaseTag"), undefined, "prod never builds nor tags");
  }
});

test("Trivy: the job can upload SARIF in a private repository (actions: read), the upload may fail, and a separate Trivy step gates on exit code 1", () => {
  const scan = deploy().jobs.scan;
  assert.equal(
    scan.permissions.actions,
    "read",
    "github/codeql-action upload-sarif reads the run in private repositories",
  );
  const uses = (s: any, a: string) => String(s.uses).startsWith(`${a}@`);
  const upload = scan.steps.findIndex((s: any) => uses(s, "github/codeql-action/upload-sarif"));
  assert.equal(
    scan.steps[upload]["continue-on-error"],
    true,
    "no GitHub Code Security (private repository): the upload fails, the job does not",
  );
  const trivy = scan.steps
    .map((s: any, i: number) => ({ s, i }))
    .filter(({ s }: any) => uses(s, "aquasecurity/trivy-action"));
  assert.equal(trivy.length, 2);
  const [report, gate] = trivy;
  assert.equal(report.s.with.format, "sarif");
  assert.equal(String(report.s.with["exit-code"]), "0", "the report never stops the job before the upload");
  assert.ok(report.i < upload && upload < gate.i, "report, upload, then gate");
  assert.equal(String(gate.s.with["exit-code"]), "1");
  assert.equal(gate.s["continue-on-error"], undefined);
  assert.equal(gate.s.if, undefined, "the gate always runs");
  for (const k of ["image-ref", "severity", "ignore-unfixed"]) assert.equal(gate.s.with[k], report.s.with[k], k);
  assert.equal(gate.s.with.severity, "CRITICAL,HIGH");
  assert.equal(gate.s.with["ignore-unfixed"], true);
});

test("every job that runs scripts/test (which runs dotnet test) sets up the .NET SDK of global.json first, pinned by commit SHA", () => {
  let jobsWithTests = 0;
  for (const file of ["preview.yml", "deploy.yml"]) {
    for (const [name, job] of Object.entries<any>(readWorkflow(file).doc.jobs)) {
      const steps: any[] = job.steps ?? [];
      const testStep = steps.findIndex((s) => /(^|\n)scripts\/test\b/.test(s.run ?? ""));
      if (testStep < 0) continue;
      jobsWithTests++;
      const dotnet = steps.findIndex((s) => String(s.uses).startsWith("actions/setup-dotnet@"));
      assert.ok(dotnet >= 0 && dotnet < testStep, `${file}:${name}: actions/setup-dotnet before scripts/test`);
      assert.match(steps[dotnet].uses, /^actions\/setup-dotnet@[0-9a-f]{40}$/);
      assert.equal(steps[dotnet].with?.["global-json-file"], "global.json", `${file}:${name}`);
      assert.equal(
        steps[dotnet].with?.["dotnet-version"],
        undefined,
        `${file}:${name}: the version comes from global.json only`,
      );
    }
  }
  assert.equal(jobsWithTests, 2);
});

test("global.json: SDK 10.0 with rollForward latestFeature, in the form actions/setup-dotnet accepts (src/setup-dotnet.ts getVersionFromGlobalJson)", () => {
  const doc = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "global.json"), "utf8"));
  assert.equal(doc.sdk.rollForward, "latestFeature");
  // setup-dotnet: with rollForward, "a full SDK version is required" (/^\d+\.\d+\.[1-9]\d{2,}$/); latestFeature
  // installs the latest `<major>.<minor>` SDK.
  assert.match(doc.sdk.version, /^\d+\.\d+\.[1-9]\d{2,}$/);
  assert.equal(doc.sdk.version.split(".").slice(0, 2).join("."), "10.0", "the app targets net10.0");
  // The SDK on this machine satisfies it (dotnet fails to start a command when no installed SDK matches global.json).
  const r = spawnSync("dotnet", ["--version"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1", DOTNET_NOLOGO: "1" },
  });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout.trim(), /^10\.0\.\d+$/);
  const broken = fs.mkdtempSync(path.join(os.tmpdir(), "berth-globaljson-"));
  fs.writeFileSync(
    path.join(broken, "global.json"),
    JSON.stringify({ sdk: { version: "10.0.999", rollForward: "disable" } }),
  );
  const refused = spawnSync("dotnet", ["--version"], {
    cwd: broken,
    encoding: "utf8",
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1", DOTNET_NOLOGO: "1" },
  });
  assert.notEqual(refused.status, 0, "the check is live: a global.json no installed SDK matches fails");
});
