/**
 * The generated blocks of docs/ (the rule table, the staging sample plan) equal what the code renders now, up to
 * what legitimately varies between runs (the plan's duration). Regenerate: node --import tsx offline/docsBlocks.ts --write
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { BLOCKS, readBlock, ROOT, SAMPLE_SHA, writeBlock } from "../../offline/docsBlocks";

const REGENERATE = "node --import tsx offline/docsBlocks.ts --write";

for (const block of BLOCKS) {
  test(`${block.file}: the generated block "${block.name}" is current`, () => {
    const text = fs.readFileSync(path.join(ROOT, block.file), "utf8");
    const current = readBlock(text, block.name);
    assert.ok(current !== undefined, `${block.file} has no markers for ${block.name}`);
    const rendered = block.render();
    assert.ok(rendered.length > 500, `${block.name} rendered ${rendered.length} characters`);
    assert.equal(
      block.normalise(current!),
      block.normalise(rendered),
      `${block.file} ${block.name} is stale: ${REGENERATE}`,
    );
  });
}

test("the staging sample plan is the plan of the sample (fixture) stack file at the fixed SHA, and it passes", () => {
  const text = fs.readFileSync(path.join(ROOT, "docs", "policy.md"), "utf8");
  const sample = readBlock(text, "plan-staging")!;
  assert.match(sample, new RegExp(`image sha: +${SAMPLE_SHA} \\(--image-sha\\)`));
  assert.match(sample, /^ {2}config: +tests\/fixtures\/stacks\/Pulumi\.staging\.yaml$/m);
  assert.match(sample, /^Result: PASSED /m);
  assert.ok(
    text.includes(`scripts/plan staging --image-sha ${SAMPLE_SHA} --stack-dir tests/fixtures/stacks`),
    "the page names the command it shows",
  );
});

test("the block helpers: a changed line is found, only the duration is masked, a write round-trips", () => {
  const plan = BLOCKS.find((b) => b.name === "plan-staging")!;
  const a = "```\nResources (3):\nResult: PASSED (no mandatory violation; offline, nothing deployed) in 1.8 s\n```";
  assert.equal(plan.normalise(a), plan.normalise(a.replace("1.8 s", "12.25 s")));
  assert.notEqual(plan.normalise(a), plan.normalise(a.replace("(3)", "(4)")));
  const doc = "x\n<!-- generated:t (how) -->\nold\n<!-- end generated:t -->\ny\n";
  const written = writeBlock(doc, "t", "new\ncontent");
  assert.equal(readBlock(written, "t"), "new\ncontent");
  assert.ok(written.startsWith("x\n<!-- generated:t (how) -->\n") && written.endsWith("<!-- end generated:t -->\ny\n"));
});
