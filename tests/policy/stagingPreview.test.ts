/** The staging stack as a first `pulumi preview --policy-pack policy` sees it: nothing exists, computed outputs unknown. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { berthRules } from "../../policy/rules";
import { captureForPolicy, describeViolations, evaluateCaptured } from "./stackPolicy";

test("staging, first preview: no mandatory violation, no rule error; relational (stack) rules judge it except where their own input is computed", async () => {
  const captured = await captureForPolicy("staging", true);
  const ev = await evaluateCaptured("staging", captured, { preview: true });
  assert.deepEqual(ev.errors, []);
  assert.deepEqual(ev.violations.filter((v) => v.enforcementLevel === "mandatory"), [], describeViolations(ev));
  // A rule that reads an unknown value ends with an advisory "can't run ... during preview"
  // (node_modules/@pulumi/policy/server.js, AnalyzeStack's catch of proxy.js UnknownValueError): it blocks nothing.
  // Stack rules join on property dependencies, which a first preview knows. The one left blind (AWS stacks) reads a
  // value computed from another resource: the access-log bucket's policy document embeds the bucket's ARN.
  const stackRules = berthRules.filter((r) => r.kind === "stack").map((r) => r.name);
  const blind = [...new Set(ev.cannotJudge.filter((c) => stackRules.includes(c.rule)).map((c) => `${c.rule}: ${c.message}`))];
  assert.deepEqual(blind, ["berth-s3-tls-only: string value at .policy can't be known during preview"]);
  for (const c of ev.cannotJudge) assert.match(c.message, /value at \.\S+ can't be known during preview/);
});
