/**
 * The local stack's secrets: each service's declared `secrets` gets its local value from a git-ignored file, checked
 * before any resource is registered, and reaches the container as an environment variable kept secret in the state.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Problems } from "../../infra/config/problems";
import { containerSpecFor } from "../../infra/container";
import { renderDockerContainer } from "../../infra/local/localContainer";
import { gitFileStatus, readLocalSecrets } from "../../infra/local/localSecrets";
import { loadSettings, type LocalStackSettings } from "../../infra/config";
import { fixtureStackConfig } from "../support/fixtures";
import { SHA } from "../support/constants";

const ARN = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:app/db-AbCdEf";

/** A git repository with `.gitignore` ignoring `.berth/`, and a secrets file written at `file` when given. */
function repo(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-secrets-"));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q");
  fs.writeFileSync(path.join(dir, ".gitignore"), "/.berth/\n");
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function read(
  root: string,
  secretsFile = ".berth/local-secrets.yaml",
  secrets: Record<string, string> = { DATABASE_URL: ARN },
) {
  const problems = new Problems();
  const values = readLocalSecrets(
    {
      secretsFile,
      root,
      services: [
        { name: "api", secrets },
        { name: "jobs", secrets: {} },
      ],
    },
    problems,
  );
  return { values, problems: problems.list };
}

test("a declared secret's local value is read from the git-ignored file", () => {
  const root = repo({ ".berth/local-secrets.yaml": "api:\n  DATABASE_URL: postgres://app:local@127.0.0.1:5432/app\n" });
  try {
    const { values, problems } = read(root);
    assert.deepEqual(problems, []);
    assert.deepEqual(values, { api: { DATABASE_URL: "postgres://app:local@127.0.0.1:5432/app" }, jobs: {} });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("no secret declared: no file needed", () => {
  const root = repo();
  try {
    assert.deepEqual(read(root, ".berth/local-secrets.yaml", {}).problems, []);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("a missing file, a tracked file, a file git does not ignore, a missing value, an undeclared name: each refused naming the key and the file", () => {
  const root = repo({ "secrets.yaml": "api:\n  DATABASE_URL: x\n  EXTRA: y\nweb: {}\n" });
  try {
    const missing = read(root).problems;
    assert.equal(missing.length, 1);
    assert.equal(missing[0]!.key, "berth:local.secretsFile");
    assert.match(missing[0]!.allowed, /needed: api\.DATABASE_URL.*does not exist/);

    const unignored = read(root, "secrets.yaml").problems;
    assert.ok(unignored.some((p) => p.key === "berth:local.secretsFile" && /add it to \.gitignore/.test(p.allowed)));
    assert.ok(unignored.some((p) => p.key === "secrets.yaml: api.EXTRA" && p.value === "(value hidden)"));
    assert.ok(unignored.some((p) => p.key === "secrets.yaml: web" && /a service of berth:services/.test(p.allowed)));
    assert.ok(!JSON.stringify(unignored).includes('"y"'), "values never appear in a problem");

    execFileSync("git", ["add", "secrets.yaml"], { cwd: root });
    assert.deepEqual(gitFileStatus(path.join(root, "secrets.yaml")), { tracked: true, ignored: false });
    const tracked = read(root, "secrets.yaml").problems;
    assert.ok(
      tracked.some((p) => p.key === "berth:local.secretsFile" && /git rm --cached secrets\.yaml/.test(p.allowed)),
    );

    fs.mkdirSync(path.join(root, ".berth"));
    fs.writeFileSync(path.join(root, ".berth", "local-secrets.yaml"), "api:\n  OTHER: z\n");
    const noValue = read(root).problems;
    assert.ok(
      noValue.some(
        (p) =>
          p.key === ".berth/local-secrets.yaml: api.DATABASE_URL" &&
          /secrets\.DATABASE_URL, a non-empty string/.test(p.allowed),
      ),
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("the container gets each secret's local value as an environment variable; without a value the rendering refuses", () => {
  const config: Record<string, string> = { ...fixtureStackConfig("local"), "berth:imageSha": SHA };
  const services = JSON.parse(config["berth:services"]!);
  const first = Object.keys(services)[0]!;
  services[first].secrets = { DATABASE_URL: ARN };
  const settings = loadSettings(
    { ...config, "berth:services": JSON.stringify(services) },
    {
      stack: "local",
      git: () => assert.fail("no git"),
    },
  ) as LocalStackSettings;
  const service = settings.services.find((s) => s.name === first)!;
  const spec = containerSpecFor(settings, service, "127.0.0.1:5001/app@sha256:" + "a".repeat(64));
  const opts = {
    imageId: "sha256:x",
    networkName: "n",
    restartPolicy: "no" as const,
    healthyWaitSeconds: 5,
    stack: "local",
  };
  const args = renderDockerContainer(spec, { ...opts, secretValues: { DATABASE_URL: "postgres://local" } });
  assert.ok((args.envs as string[]).includes("DATABASE_URL=postgres://local"));
  assert.throws(
    () => renderDockerContainer(spec, opts),
    /no local value for the secrets DATABASE_URL \(berth:local\.secretsFile\)/,
  );
});
