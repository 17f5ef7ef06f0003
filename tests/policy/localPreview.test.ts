/** The local stack as a first `pulumi preview --policy-pack policy` sees it: nothing exists, computed outputs unknown. */
import { test } from "node:test";
import { assertFirstPreview } from "./stackPolicy";

test("local, first preview: no mandatory violation, no rule error; relational (stack) rules judge it except where their own input is computed", () =>
  assertFirstPreview("local", []));
