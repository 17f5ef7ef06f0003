/**
 * Each stack as a first `pulumi preview --policy-pack policy` sees it: nothing exists, computed outputs unknown. One
 * fresh evaluation of the program per stack (tests/support captureProgram).
 */
import { test } from "node:test";
import { assertFirstPreview } from "./stackPolicy";

test("local, first preview: no mandatory violation, no rule error; relational (stack) rules judge it except where their own input is computed", () =>
  assertFirstPreview("local", []));

test("staging, first preview: no mandatory violation, no rule error; relational (stack) rules judge it except where their own input is computed", () =>
  // The one stack rule left blind reads a value computed from another resource: the access-log bucket's policy
  // document embeds the bucket's ARN.
  assertFirstPreview("staging", ["berth-s3-tls-only: string value at .policy can't be known during preview"]));

test("prod, first preview: no mandatory violation, no rule error; relational (stack) rules judge it except where their own input is computed", () =>
  // The one stack rule left blind reads a value computed from another resource: the access-log bucket's policy
  // document embeds the bucket's ARN.
  assertFirstPreview("prod", ["berth-s3-tls-only: string value at .policy can't be known during preview"]));
