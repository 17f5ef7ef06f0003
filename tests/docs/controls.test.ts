/**
 * docs/controls.md, the one controls page: every rule a row names cites that row's control in policy/rules.ts
 * (`ruleMetadata`), every FSBP, Checkov and CIS Docker id the pack cites has a row, and every path the page names exists.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ruleMetadata } from "../../policy/rules";
import { ROOT } from "../../offline/docsBlocks";

/** Catalogue ids in a text: `FSBP ECS.1, ECS.17` counts as two FSBP ids. */
export function controlIds(text: string): string[] {
  const ids: string[] = [];
  for (const m of text.matchAll(/FSBP ([A-Za-z0-9]+\.\d+(?:, [A-Za-z0-9]+\.\d+)*)/g))
    ids.push(...m[1].split(", ").map((id) => `FSBP ${id}`));
  for (const m of text.matchAll(/\bCKV2?_[A-Z]+_\d+\b/g)) ids.push(m[0]);
  for (const m of text.matchAll(/CIS Docker (\d+\.\d+(?:, (?:CIS Docker )?\d+\.\d+)*)/g))
    ids.push(...m[1].split(", ").map((id) => `CIS Docker ${id.replace("CIS Docker ", "")}`));
  return [...new Set(ids)];
}

const page = fs.readFileSync(path.join(ROOT, "docs", "controls.md"), "utf8");
const rows = page
  .split("\n")
  .filter((l) => /^\| (FSBP|Checkov|CIS)/.test(l))
  .map((l) => {
    const [control, rule, where] = l.split(" | ").map((c) => c.replace(/^\| |\|$/g, "").trim());
    return {
      control,
      rule,
      where,
      ids: controlIds(control),
      rules: [...rule.matchAll(/`(berth-[a-z0-9-]+)`/g)].map((m) => m[1]),
    };
  });

test("every rule a row of docs/controls.md names exists and cites one of the row's controls", () => {
  assert.ok(rows.length >= 40, `only ${rows.length} rows parsed`);
  for (const row of rows) {
    assert.ok(row.ids.length > 0, `no control id in ${row.control}`);
    assert.ok(row.where.length > 10, `${row.control}: no code named`);
    for (const rule of row.rules) {
      const meta = ruleMetadata.find((r) => r.rule === rule);
      assert.ok(meta, `${row.control}: no rule ${rule} in policy/rules.ts`);
      const cited = controlIds(meta!.control);
      assert.ok(
        row.ids.some((id) => cited.includes(id)),
        `${rule} cites ${cited.join(", ")}, none of the row's ${row.ids.join(", ")}`,
      );
    }
  }
});

test("every FSBP, Checkov and CIS Docker id the pack cites has a row in docs/controls.md naming that rule", () => {
  const missing: string[] = [];
  for (const meta of ruleMetadata)
    for (const id of controlIds(meta.control))
      if (!rows.some((r) => r.ids.includes(id) && r.rules.includes(meta.rule))) missing.push(`${id} (${meta.rule})`);
  assert.deepEqual(missing, []);
});

test("every repository path docs/controls.md names exists", () => {
  const paths = [...page.matchAll(/`((?:infra|policy|tests|offline|\.github)\/[^`*<>]+?)`/g)].map((m) => m[1]);
  assert.ok(paths.length >= 10, `only ${paths.length} paths found`);
  assert.deepEqual(
    paths.filter((p) => !fs.existsSync(path.join(ROOT, p))),
    [],
  );
});

test("controlIds reads the pack's notations", () => {
  assert.deepEqual(controlIds("FSBP ECS.1, ECS.17; CIS Docker 5.9"), ["FSBP ECS.1", "FSBP ECS.17", "CIS Docker 5.9"]);
  assert.deepEqual(controlIds("FSBP S3.8; Checkov CKV2_AWS_6, CKV_AWS_53"), ["FSBP S3.8", "CKV2_AWS_6", "CKV_AWS_53"]);
  assert.deepEqual(controlIds("CIS Docker 5.15, CIS Docker 5.16"), ["CIS Docker 5.15", "CIS Docker 5.16"]);
});
