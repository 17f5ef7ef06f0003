/**
 * The GitHub Actions workflows: actionlint (offline, WebAssembly) is clean, and the structure the delivery design
 * relies on is there: actions pinned by commit SHA, no default token permissions, per-stack concurrency, forks
 * without cloud credentials, prod behind the `production` environment, Trivy failing on fixable CRITICAL/HIGH.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../offline/mockRuntime";
import { DEFAULT_REQUIRED_CHECKS } from "../../infra/config/delivery";
import { renderDeliveryVariables } from "../../infra/delivery";
import { readWorkflow } from "../support";
import { evaluateExpression, interpolate } from "../config/projectSchema";

const ACTIONLINT = path.join(REPO_ROOT, "node_modules", "@tktco", "node-actionlint", "bin", "node-actionlint.js");
const FILES = ["preview.yml", "deploy.yml"];

function actionlint(pattern: string, cwd: string) {
  return spawnSync(process.execPath, [ACTIONLINT, pattern], { cwd, encoding: "utf8", timeout: 120_000 });
}

function jobs(file: string): Record<string, any> {
  return readWorkflow(file).doc.jobs;
}

function steps(file: string): any[] {
  return Object.values(jobs(file)).flatMap((j: any) => j.steps ?? []);
}

function usesStep(job: any, action: string): any {
  const found = (job.steps ?? []).filter((s: any) => typeof s.uses === "string" && s.uses.startsWith(`${action}@`));
  assert.equal(found.length, 1, `one ${action} step expected`);
  return found[0];
}

test("actionlint: both workflows are clean", () => {
  const r = actionlint(".github/workflows/*.yml", REPO_ROOT);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  // The CLI exits 0 when its glob matches nothing: make sure it linted both files.
  assert.match(r.stdout, /Checking 2 workflow file\(s\)/);
  assert.match(r.stdout, /passed lint checks/);
});

test("actionlint: a workflow interpolating untrusted input into run: fails (the linter is live)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-actionlint-"));
  fs.mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
  fs.writeFileSync(
    path.join(dir, ".github", "workflows", "bad.yml"),
    [
      "on: pull_request",
      "jobs:",
      "  x:",
      "    runs-on: ubuntu-24.04",
      "    steps:",
      '      - run: echo "${{ github.event.pull_request.title }}"',
      "",
    ].join("\n"),
  );
  const r = actionlint(".github/workflows/*.yml", dir);
  assert.notEqual(r.status, 0, r.stdout);
  assert.match(r.stdout, /untrusted/i);
});

test("every action is pinned to a full 40-hex commit SHA with a # vX.Y.Z comment", () => {
  for (const file of FILES) {
    const { text } = readWorkflow(file);
    const lines = text.split("\n").filter((l) => /^\s*(-\s+)?uses:/.test(l));
    assert.ok(lines.length >= 5, `${file}: uses lines found`);
    for (const line of lines) {
      assert.match(line, /uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, `${file}: ${line.trim()}`);
    }
  }
  // The same action is pinned to the same commit everywhere.
  const pins = new Map<string, Set<string>>();
  for (const s of [...steps("preview.yml"), ...steps("deploy.yml")].filter((s) => s.uses)) {
    const [action, sha] = s.uses.split("@");
    pins.set(action, (pins.get(action) ?? new Set()).add(sha));
  }
  for (const [action, shas] of pins) assert.equal(shas.size, 1, `${action} pinned to one commit`);
});

test("permissions: none by default, and each job asks for exactly what it uses", () => {
  for (const file of FILES) {
    const { doc } = readWorkflow(file);
    assert.deepEqual(doc.permissions, {}, `${file}: top-level permissions: {}`);
    for (const [name, job] of Object.entries<any>(doc.jobs)) {
      assert.equal(typeof job.permissions, "object", `${file}:${name} declares permissions`);
      for (const [scope, level] of Object.entries(job.permissions))
        assert.ok(level === "read" || level === "write", `${file}:${name} ${scope}`);
      const assumesRoles = (job.steps ?? []).some((s: any) =>
        /^(aws-actions\/configure-aws-credentials|google-github-actions\/auth|pulumi\/auth-actions)@/.test(
          s.uses ?? "",
        ),
      );
      assert.equal(
        job.permissions["id-token"] === "write",
        assumesRoles,
        `${file}:${name}: id-token: write only where an OIDC token is exchanged`,
      );
      assert.notEqual(job.permissions.contents, "write", `${file}:${name}: never writes the repository`);
    }
  }
  assert.equal(jobs("preview.yml").test.permissions["id-token"], undefined);
  assert.equal(jobs("preview.yml").plan.permissions["id-token"], undefined);
  assert.equal(jobs("deploy.yml").staging.permissions.packages, "write", "staging pushes to GHCR");
  assert.equal(jobs("deploy.yml").production.permissions.packages, undefined, "prod pushes nothing");
  assert.equal(jobs("deploy.yml").scan.permissions["security-events"], "write", "SARIF upload");
});

test("no ${{ }} expression inside any run: script (untrusted input goes through env)", () => {
  for (const file of FILES) {
    for (const s of steps(file).filter((s) => s.run))
      assert.doesNotMatch(s.run, /\$\{\{/, `${file}: ${s.name ?? s.run}`);
  }
});

test("checkout never persists the token", () => {
  for (const file of FILES) {
    for (const s of steps(file).filter((s) => String(s.uses).startsWith("actions/checkout@")))
      assert.equal(s.with?.["persist-credentials"], false, file);
  }
});

test("preview.yml: pull requests run the suite and the offline plan; only same-repository pull requests preview", () => {
  const { doc } = readWorkflow("preview.yml");
  assert.deepEqual(Object.keys(doc.on), ["pull_request"]);
  assert.equal(doc.on.pull_request_target, undefined);
  const j = doc.jobs;
  assert.match(j.test.steps.map((s: any) => s.run ?? "").join("\n"), /^scripts\/test$/m);
  assert.deepEqual(j.plan.strategy.matrix.stack, ["staging", "prod"]);
  assert.equal(j.test.if, undefined, "forks run the suite");
  assert.equal(j.plan.if, undefined, "forks run the offline plan");
  assert.equal(j.preview.if, "github.event.pull_request.head.repo.full_name == github.repository");
  assert.deepEqual(j.preview.needs, ["test", "plan"]);
  assert.equal(
    j.preview.environment,
    undefined,
    "no environment: the OIDC subject stays repo:<owner>/<repo>:pull_request",
  );
  assert.deepEqual(
    j.preview.strategy.matrix.include.map((m: any) => m.stack),
    ["staging", "prod"],
  );
  const pulumiStep = usesStep(j.preview, "pulumi/actions");
  assert.equal(pulumiStep.with.command, "preview");
  assert.equal(pulumiStep.with.policyPacks, "policy");
  assert.equal(pulumiStep.with["comment-on-pr"], true);
  assert.match(pulumiStep.with["stack-name"], /\/berth\/\$\{\{ matrix\.stack \}\}$/);
  // Only staging's preview gets the (read-only) job token as its GHCR credential, as staging's deploy does.
  assert.match(
    pulumiStep.with["config-map"],
    /^\$\{\{ matrix\.stack == 'staging' && format\('.*berth:ghcrToken.*"secret": true.*', github\.actor, secrets\.GITHUB_TOKEN\) \|\| '\{\}' \}\}$/,
  );
  assert.match(
    usesStep(j.preview, "aws-actions/configure-aws-credentials").with["role-to-assume"],
    /_PREVIEW_AWS_ROLE_ARN/,
  );
  assert.match(usesStep(j.preview, "google-github-actions/auth").with.service_account, /_GCP_PREVIEW_SERVICE_ACCOUNT/);
  assert.match(j.preview.concurrency.group, /\$\{\{ matrix\.stack \}\}/, "concurrency per stack");
});

test("preview.yml: the job names are the status checks the ruleset requires", () => {
  const j = jobs("preview.yml");
  const names = new Set<string>();
  for (const job of Object.values<any>(j)) {
    const matrix = job.strategy?.matrix;
    const values: string[] = matrix?.stack ?? matrix?.include?.map((m: any) => m.stack) ?? [undefined];
    for (const stack of values) names.add(String(job.name).replace("${{ matrix.stack }}", stack));
  }
  for (const check of DEFAULT_REQUIRED_CHECKS)
    assert.ok(names.has(check), `required check "${check}" is a job of preview.yml (${[...names].join(", ")})`);
});

test("the variables the workflows read are the ones the Delivery component writes", () => {
  const vars = (stack: string) =>
    renderDeliveryVariables({
      awsRoleArn: "r",
      awsRoleDurationSeconds: 3600,
      previewRoleArn: "p",
      awsRegion: "eu-west-1",
      workloadIdentityProvider: "w",
      serviceAccount: "s",
      previewServiceAccount: "ps",
      ecrRepositoryUrl: "e",
      artifactRegistryUrl: "a",
      ghcrImage: "ghcr.io/o/berth",
      stack,
    });
  const repoVars = new Set([...Object.keys(vars("staging").repository), ...Object.keys(vars("prod").repository)]);
  const envVars = new Set(Object.keys(vars("staging").environment));
  const { text: preview, doc: previewDoc } = readWorkflow("preview.yml");
  for (const m of preview.matchAll(/vars\[format\('\{0\}_(\w+)', matrix\.prefix\)\]/g)) {
    for (const { prefix } of previewDoc.jobs.preview.strategy.matrix.include)
      assert.ok(repoVars.has(`${prefix}_${m[1]}`), `${prefix}_${m[1]}`);
  }
  const { text: deploy } = readWorkflow("deploy.yml");
  // The repository variables a person sets (docs/bootstrap.md): the Pulumi Cloud organization, or a backend URL.
  const setByHand = ["PULUMI_ORGANIZATION", "PULUMI_BACKEND_URL"];
  const used = [...deploy.matchAll(/vars\.(\w+)/g)].map((m) => m[1]).filter((v) => !setByHand.includes(v));
  assert.ok(used.length >= 4);
  for (const v of used) assert.ok(envVars.has(v), `deploy.yml reads vars.${v}, which the environment has`);
});

test("deploy.yml: main (and release tags, tests/delivery/releaseWorkflow.test.ts) only; staging builds once; prod waits for staging and the scan, in the production environment", () => {
  const { doc } = readWorkflow("deploy.yml");
  assert.deepEqual(doc.on.push.branches, ["main"]);
  assert.deepEqual(Object.keys(doc.on), ["push"]);
  const j = doc.jobs;
  assert.equal(j.staging.environment, "staging");
  assert.equal(j.production.environment, "production");
  assert.deepEqual(j.production.needs, ["staging", "scan"]);
  // The vulnerability gate decides before staging runs the image (issue 21): staging waits for the scan.
  assert.deepEqual(j.staging.needs, ["test", "scan"]);
  assert.equal(j.scan.needs, undefined, "the scan does not wait for a deploy");
  assert.deepEqual(j.staging.concurrency, { group: "pulumi-staging", "cancel-in-progress": false });
  assert.deepEqual(j.production.concurrency, { group: "pulumi-prod", "cancel-in-progress": false });
  const up = (job: any) =>
    job.steps.find((s: any) => String(s.uses).startsWith("pulumi/actions@") && s.with?.command === "up").with;
  assert.equal(up(j.staging).command, "up");
  assert.match(up(j.staging)["stack-name"], /\/berth\/staging$/);
  assert.equal(up(j.production).command, "up");
  assert.match(up(j.production)["stack-name"], /\/berth\/prod$/);
  // Exactly one `pulumi up` builds and pushes: staging's. The scan job's build stays on the runner (--load, no push).
  const allSteps = Object.values<any>(j).flatMap((job) => job.steps);
  assert.equal(
    allSteps.filter((s) => String(s.uses).startsWith("pulumi/actions@") && s.with?.command === "up").length,
    2,
  );
  const builds = allSteps.filter((s) =>
    /docker\/build-push-action|docker (buildx )?build|buildah|podman build/.test(`${s.uses ?? ""} ${s.run ?? ""}`),
  );
  assert.equal(builds.length, 1, "one build outside pulumi: the scan's");
  assert.ok(j.scan.steps.includes(builds[0]));
  assert.match(builds[0].run, /--load/);
  assert.doesNotMatch(builds[0].run, /--push|docker push|--output[= ]type=registry/);
  assert.doesNotMatch(JSON.stringify(up(j.production)), /ghcrToken/, "prod gets no registry push token");
  // Prod is pinned to the digest this run built and scanned (refused by the program if staging moved on).
  const pin = j.production.steps.find((s: any) => /promotion\.digest/.test(s.run ?? ""));
  assert.equal(pin.env.DIGEST, "${{ needs.staging.outputs.digest }}");
  assert.match(pin.run, /pulumi config set --path promotion\.digest "\$DIGEST" --stack "\$STACK"/);
  assert.match(pin.run, /\^sha256:\[0-9a-f\]\{64\}\$/);
  const stepIndex = (re: RegExp) =>
    j.production.steps.findIndex((s: any) => re.test(`${s.run ?? ""} ${s.with?.command ?? ""}`));
  assert.ok(stepIndex(/promotion\.digest/) < stepIndex(/^ up$/), "pinned before the up");
  assert.equal(j.staging.outputs.digest, "${{ steps.up.outputs.imageDigest }}");
  assert.equal(
    usesStep(j.production, "aws-actions/configure-aws-credentials").with["role-to-assume"],
    "${{ vars.AWS_ROLE_ARN }}",
  );
});

test("deploy.yml: Trivy scans the image staging will build, before staging, uploads SARIF, fails on fixable CRITICAL/HIGH", () => {
  const j = jobs("deploy.yml");
  const build = j.scan.steps.find((s: any) => /docker buildx build/.test(s.run ?? ""));
  // The build's arguments are the staging stack's (offline/scanBuild.ts, checked against the program in
  // tests/registries/scanBuild.test.ts), for the commit the staging job deploys.
  assert.match(build.run, /node --import tsx offline\/scanBuild\.ts staging > (\S+)\n\s*mapfile -t ARGS < \1\n/);
  assert.match(build.run, /docker buildx build "\$\{ARGS\[@\]\}" --load --tag "berth-scan:\$IMAGE_SHA"/);
  assert.equal(build.env.IMAGE_SHA, "${{ github.sha }}");
  assert.match(build.env.RELEASE_TAG, /github\.ref_type == 'tag' && github\.ref_name/);
  const install = j.scan.steps.findIndex((s: any) => s.run === "npm ci --ignore-scripts");
  assert.ok(install >= 0 && install < j.scan.steps.indexOf(build), "the program's modules before the build");
  // The SARIF report step (the gate step is tested in releaseWorkflow.test.ts).
  const trivy = j.scan.steps.find(
    (s: any) => String(s.uses).startsWith("aquasecurity/trivy-action@") && s.with.format === "sarif",
  ).with;
  assert.equal(trivy["image-ref"], "berth-scan:${{ github.sha }}", "the image the build step loaded");
  assert.ok(j.scan.steps.indexOf(build) < j.scan.steps.findIndex((s: any) => s.with === trivy));
  assert.equal(trivy.severity, "CRITICAL,HIGH");
  assert.equal(trivy["ignore-unfixed"], true);
  assert.equal(trivy.format, "sarif");
  const upload = usesStep(j.scan, "github/codeql-action/upload-sarif");
  assert.equal(upload.with.sarif_file, trivy.output);
  assert.match(upload.if, /!cancelled\(\)/, "the SARIF is uploaded even when Trivy fails the job");
  assert.equal(j.scan.permissions.packages, undefined, "reads no registry: it scans its own build");
});

test("every pulumi preview and up in the workflows runs the policy pack with that stack's pack config", () => {
  const pulumiSteps = FILES.flatMap((file) => steps(file).map((s) => ({ file, s }))).filter(
    ({ s }) => String(s.uses).startsWith("pulumi/actions@") && s.with?.command,
  ); // not the CLI-install step
  assert.equal(pulumiSteps.length, 3, "preview (matrix), staging up, prod up");
  for (const { file, s } of pulumiSteps) {
    assert.equal(s.with.policyPacks, "policy", `${file}: ${s.name} runs without the policy pack`);
    const stack = String(s.with["stack-name"]).split("/").pop();
    assert.equal(
      s.with.policyPackConfigs,
      `policy/config/${stack}.json`,
      `${file}: ${s.name} uses another stack's rule levels`,
    );
    if (!stack!.includes("matrix"))
      assert.ok(fs.existsSync(path.join(REPO_ROOT, s.with.policyPackConfigs)), s.with.policyPackConfigs);
  }
});

test("the state backend: Pulumi Cloud by default, a self-managed one (s3://) when vars.PULUMI_BACKEND_URL is set, in every job that runs pulumi", () => {
  // GitHub's `&&` and `||` return an operand, not a boolean, and an unset variable is '' (docs.github.com/en/actions/
  // reference/workflows-and-actions/expressions#operators; "vars context": unset variables are empty strings).
  const contexts = (backend: string) => ({
    vars: { PULUMI_ORGANIZATION: "acme", PULUMI_BACKEND_URL: backend },
    matrix: { stack: "staging" },
  });
  let pulumiSteps = 0;
  for (const file of FILES) {
    for (const [name, job] of Object.entries<any>(jobs(file))) {
      const steps: any[] = job.steps ?? [];
      const commands = steps.filter((s) => String(s.uses).startsWith("pulumi/actions@") && s.with?.command);
      if (commands.length === 0) continue;
      const auth = usesStep(job, "pulumi/auth-actions");
      const condition = String(auth.if).replace(/^\$\{\{\s*|\s*\}\}$/g, "");
      assert.equal(
        evaluateExpression(condition, contexts("") as any),
        true,
        `${file}:${name}: Pulumi Cloud login by default`,
      );
      assert.equal(
        evaluateExpression(condition, contexts("s3://state?region=eu-west-1") as any),
        false,
        `${file}:${name}: no Pulumi Cloud login with an S3 backend`,
      );
      for (const s of commands) {
        pulumiSteps++;
        assert.equal(s.with["cloud-url"], "${{ vars.PULUMI_BACKEND_URL }}", `${file}:${name}: ${s.name}`);
        const stack = (backend: string) => interpolate(s.with["stack-name"], contexts(backend) as any);
        assert.match(stack(""), /^acme\/berth\/(staging|prod)$/, `${file}:${name}: Pulumi Cloud stack`);
        assert.match(
          stack("s3://state"),
          /^organization\/berth\/(staging|prod)$/,
          `${file}:${name}: a DIY backend's stack`,
        );
      }
    }
  }
  assert.equal(pulumiSteps, 3, "preview (matrix), staging up, prod up");
  const pin = jobs("deploy.yml").production.steps.find((s: any) => /promotion\.digest/.test(s.run ?? ""));
  assert.equal(pin.env.BACKEND_URL, "${{ vars.PULUMI_BACKEND_URL }}");
  assert.match(pin.run, /if \[ -n "\$BACKEND_URL" \]; then pulumi login "\$BACKEND_URL"; fi\n\s*pulumi config set/);
  assert.equal(
    pin.env.STACK,
    jobs("deploy.yml").production.steps.find((s: any) => s.with?.command === "up").with["stack-name"],
  );
});
