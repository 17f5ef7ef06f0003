/** The staging stack as a first `pulumi preview --policy-pack policy` sees it: nothing exists, computed outputs unknown. */
import { test } from "node:test";
import { assertFirstPreview } from "./stackPolicy";

test("staging, first preview: no mandatory violation, no rule error; relational (stack) rules judge it except where their own input is computed", () =>
  // The one stack rule left blind reads a value computed from another resource: the access-log bucket's policy
  // document embeds the bucket's ARN.
  assertFirstPreview("staging", ["berth-s3-tls-only: string value at .policy can't be known during preview"]));
