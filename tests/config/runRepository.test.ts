/**
 * In GitHub Actions the program refuses settings that name another repository than the one the run is in
 * (`GITHUB_REPOSITORY`, "The owner and repository name", https://docs.github.com/en/actions/reference/workflows-and-actions/variables#default-environment-variables):
 * the delivery trusts, the GCP condition and the image's source label are built from `berth:githubOwner` and
 * `berth:githubRepository`, and a wrong value would only fail later, when GitHub's token matches no trust. GitHub
 * compares owner and repository names without regard to case, so `Acme/Shop` is `acme/shop`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSettings } from "../../infra/config";
import { captureProgram } from "../support/capture";
import { SHA } from "../support/constants";
import { fixtureStackConfig } from "../support/fixtures";

const GIT = () => ({ head: SHA, tagsAtHead: [], dirty: false });
// The fixtures name the owner `your-github-org` and leave berth:githubRepository at its default, `berth`.
const staging = () => ({ ...fixtureStackConfig("staging"), "berth:imageSha": SHA });

test("a run in the repository the settings name is accepted, whatever the case of the names", () => {
  for (const repo of ["your-github-org/berth", "Your-GitHub-Org/Berth"]) {
    const settings = loadSettings(staging(), { stack: "staging", git: GIT, githubRepository: repo });
    assert.deepEqual(settings.github, { owner: "your-github-org", repository: "berth" });
  }
});

test("outside GitHub Actions (no GITHUB_REPOSITORY) nothing is compared: a laptop run of any repository loads", () => {
  const config = { ...staging(), "berth:githubRepository": "shop" };
  assert.equal(loadSettings(config, { stack: "staging", git: GIT }).github.repository, "shop");
});

test("berth:githubRepository left at its default `berth` in a repository named otherwise is refused, naming the key, the value and the repository of the run", () => {
  assert.throws(
    () => loadSettings(staging(), { stack: "staging", git: GIT, githubRepository: "your-github-org/shop" }),
    (e: Error) =>
      /berth:githubRepository: got "berth"; allowed: shop \(this run is in your-github-org\/shop: GITHUB_REPOSITORY\)/.test(
        e.message,
      ) && !/berth:githubOwner/.test(e.message),
  );
});

test("a berth:githubOwner of another owner is refused, naming the key, the value and the owner of the run", () => {
  assert.throws(
    () => loadSettings(fixtureStackConfig("prod"), { stack: "prod", git: GIT, githubRepository: "acme/berth" }),
    /berth:githubOwner: got "your-github-org"; allowed: acme \(this run is in acme\/berth: GITHUB_REPOSITORY\)/,
  );
});

test("the program (infra/index.ts under mocks) reads GITHUB_REPOSITORY and refuses a mismatch before registering anything", async () => {
  const refused = await captureProgram({ stack: "staging", config: staging(), githubRepository: "acme/shop" });
  assert.ok(refused.error instanceof Error, "the program fails");
  assert.match((refused.error as Error).message, /berth:githubOwner: got "your-github-org"; allowed: acme/);
  assert.match((refused.error as Error).message, /berth:githubRepository: got "berth"; allowed: shop/);
  assert.equal(refused.resources.filter((r) => r.custom).length, 0, "nothing registered");
});

test("a capture is hermetic: GITHUB_REPOSITORY of the process (the CI test job's) does not reach the program unless given", async () => {
  const before = process.env.GITHUB_REPOSITORY;
  process.env.GITHUB_REPOSITORY = "acme/shop";
  try {
    const laptop = await captureProgram({ stack: "staging", config: staging() });
    assert.equal(laptop.error, undefined, String(laptop.error));
    assert.equal(process.env.GITHUB_REPOSITORY, "acme/shop", "restored after the capture");
  } finally {
    if (before === undefined) delete process.env.GITHUB_REPOSITORY;
    else process.env.GITHUB_REPOSITORY = before;
  }
});
