/**
 * preview.yml shows the cost change of a pull request: the plan job estimates the base branch and the head
 * (offline/plan.ts --json) and compares them (offline/costDiff.ts), the preview job adds that section to the comment
 * pulumi/actions posts for the stack.
 *
 * The comment is found by the heading pulumi/actions writes: pulumi/actions src/libs/pr.ts at the pinned commit
 * 8e5e406f4007fca908480587cb9893c07090f58d (v7.0.0): "#### :tropical_drink: `${command}` on ${projectName}/${stackName}",
 * a comment it edits when its body starts with that heading (`edit-pr-comment` defaults to true, action.yml), where
 * projectName is the project's name (src/main.ts: `projectSettings.name`, Pulumi.yaml `name:`) and stackName the
 * `stack-name` input. Editing an issue comment of a pull request: PATCH /repos/{owner}/{repo}/issues/comments/{id}
 * (https://docs.github.com/en/rest/issues/comments#update-an-issue-comment).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { REPO_ROOT } from "../../offline/mockRuntime";
import { costSectionMarker } from "../../offline/costDiff";
import { readWorkflow } from "../support";

const jobs = readWorkflow("preview.yml").doc.jobs;
const stepIndex = (job: any, pred: (s: any) => boolean) => job.steps.findIndex(pred);
const uses = (action: string) => (s: any) => String(s.uses ?? "").startsWith(`${action}@`);

test("plan job: the base branch is checked out apart, without the token, and both plans feed offline/costDiff.ts", () => {
  const plan = jobs.plan;
  const base = plan.steps.find((s: any) => uses("actions/checkout")(s) && s.with?.path === "base");
  assert.ok(base, "a checkout of the base branch into base/");
  assert.equal(base.with.ref, "${{ github.event.pull_request.base.sha }}");
  assert.equal(base.with["persist-credentials"], false);
  const cost = plan.steps.find((s: any) => /offline\/costDiff\.ts/.test(s.run ?? ""));
  assert.ok(cost, "a step runs offline/costDiff.ts");
  assert.equal(cost.env.STACK, "${{ matrix.stack }}");
  assert.match(cost.run, /offline\/plan\.ts "\$STACK" --json > "\$RUNNER_TEMP\/head\.json"/);
  assert.match(
    cost.run,
    /cd base && npm ci [^&]*&& node --import tsx offline\/plan\.ts "\$STACK" --json > "\$RUNNER_TEMP\/base\.json"/,
  );
  assert.match(
    cost.run,
    /offline\/costDiff\.ts --stack "\$STACK" "\$RUNNER_TEMP\/base\.json" "\$RUNNER_TEMP\/head\.json" > "cost-\$STACK\.md"/,
  );
  assert.match(cost.run, />> "\$GITHUB_STEP_SUMMARY"/, "forks see it in the job summary");
  const upload = plan.steps.find(uses("actions/upload-artifact"));
  assert.equal(upload.with.name, "cost-${{ matrix.stack }}");
  assert.equal(upload.with.path, "cost-${{ matrix.stack }}.md");
  assert.ok(stepIndex(plan, (s) => s === cost) < stepIndex(plan, uses("actions/upload-artifact")));
  assert.equal(plan.permissions["pull-requests"], undefined, "the plan job (forks too) writes no comment");
});

test("preview job: downloads the stack's section and adds it to the comment pulumi/actions posts, found by that action's heading", () => {
  const preview = jobs.preview;
  const download = preview.steps.find(uses("actions/download-artifact"));
  assert.equal(download.with.name, jobs.plan.steps.find(uses("actions/upload-artifact")).with.name);
  const pulumiAt = stepIndex(preview, uses("pulumi/actions"));
  const pulumi = preview.steps[pulumiAt];
  assert.equal(pulumi.with["comment-on-pr"], true);
  const commentAt = stepIndex(preview, (s) => s.name === "Add the cost change to the preview comment");
  assert.ok(stepIndex(preview, uses("actions/download-artifact")) < pulumiAt && pulumiAt < commentAt);
  const comment = preview.steps[commentAt];
  assert.equal(comment.if, "${{ !cancelled() }}", "the section is posted even when the preview fails");
  const project = parseYaml(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")).name;
  assert.equal(
    comment.env.HEADING,
    `#### :tropical_drink: \`${pulumi.with.command}\` on ${project}/${pulumi.with["stack-name"]}`,
  );
  assert.equal(comment.env.SECTION, `${download.with.path}/cost-\${{ matrix.stack }}.md`);
  assert.equal(comment.env.GH_TOKEN, "${{ secrets.GITHUB_TOKEN }}");
  assert.equal(preview.permissions["pull-requests"], "write");
});

/**
 * Runs the comment step's script with a stand-in `gh` on PATH that answers the comment list (as the step's --jq
 * filter would print it: id, starts-with-heading, starts-with-marker), the comment body, and records each write.
 */
function runCommentStep(comments: { id: number; body: string }[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-cost-comment-"));
  const heading = "#### :tropical_drink: `preview` on berth/org/berth/staging";
  const section = path.join(dir, "cost-staging.md");
  fs.writeFileSync(section, `${costSectionMarker("staging")}\n#### Estimated monthly cost\n\n**$1.00 → $2.00**\n`);
  fs.writeFileSync(path.join(dir, "comments.json"), JSON.stringify(comments));
  const gh = path.join(dir, "gh");
  fs.writeFileSync(
    gh,
    `#!${process.execPath}
const fs = require("fs"), path = require("path");
const dir = ${JSON.stringify(dir)};
const args = process.argv.slice(2);
const comments = JSON.parse(fs.readFileSync(path.join(dir, "comments.json"), "utf8"));
fs.appendFileSync(path.join(dir, "calls.log"), JSON.stringify(args) + "\\n");
const field = args[args.indexOf("-F") + 1];
const body = field && field.startsWith("body=@") ? fs.readFileSync(field.slice(6), "utf8") : undefined;
if (args.includes("PATCH")) fs.writeFileSync(path.join(dir, "patched-" + args[3].split("/").pop()), body);
else if (body !== undefined) fs.writeFileSync(path.join(dir, "posted"), body);
else if (/issues\\/\\d+\\/comments$/.test(args[1]))
  for (const c of comments) console.log([c.id, c.body.startsWith(process.env.HEADING), c.body.startsWith(process.env.MARKER)].join("\\t"));
else console.log(comments.find((c) => args[1].endsWith("/" + c.id)).body);
`,
  );
  fs.chmodSync(gh, 0o755);
  const script = jobs.preview.steps.find((s: any) => s.name === "Add the cost change to the preview comment").run;
  const r = spawnSync("bash", ["-e", "-c", script], {
    env: {
      ...process.env,
      PATH: `${dir}:${process.env.PATH}`,
      HEADING: heading,
      SECTION: section,
      REPO: "org/berth",
      PR: "7",
      RUNNER_TEMP: dir,
      GH_TOKEN: "t",
    },
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  const read = (f: string) =>
    fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8") : undefined;
  return { heading, section: fs.readFileSync(section, "utf8").trimEnd(), read };
}

test("the comment step appends the section to the preview comment, and replaces the section of an earlier run", () => {
  const pulumiBody = (heading: string) => `${heading}\n\n<details>\n<summary>Pulumi report</summary>\n</details>`;
  const first = runCommentStep([
    { id: 1, body: "unrelated" },
    { id: 2, body: pulumiBody("#### :tropical_drink: `preview` on berth/org/berth/staging") },
  ]);
  assert.equal(first.read("patched-2"), `${pulumiBody(first.heading)}\n\n${first.section}\n`);
  assert.equal(first.read("posted"), undefined);
  // A second run of the step on the same comment (pulumi/actions did not rewrite it): one section, the new one.
  const again = runCommentStep([
    { id: 2, body: `${pulumiBody(first.heading)}\n\n${first.section.replace("$2.00", "$9.00")}` },
  ]);
  const patched = again.read("patched-2")!;
  assert.equal(patched.split(costSectionMarker("staging")).length, 2, "exactly one cost section");
  assert.ok(patched.includes("$2.00") && !patched.includes("$9.00"));
});

test("without a preview comment, the section is posted on its own, then edited in place on the next run", () => {
  const alone = runCommentStep([{ id: 1, body: "unrelated" }]);
  assert.equal(alone.read("posted"), alone.section + "\n");
  const next = runCommentStep([{ id: 5, body: `${costSectionMarker("staging")}\nold` }]);
  assert.equal(next.read("patched-5"), next.section + "\n");
  assert.equal(next.read("posted"), undefined);
});
