/**
 * The stack files the suite builds from: fixtures under tests/fixtures/stacks, never the committed
 * Pulumi.<stack>.yaml, which are the user's data (only tests/config/committedStacks.test.ts reads those, with rules
 * that hold for any valid values). Not a test file.
 */
import * as path from "node:path";
import { readStackConfig, REPO_ROOT } from "../../offline/mockRuntime";

/** The folder of the fixture stack files (`--stack-dir` of scripts/plan). */
export const FIXTURE_STACK_DIR = path.join(REPO_ROOT, "tests", "fixtures", "stacks");

/** A fixture stack file as the flat config map the Pulumi runtime gives the program. */
export function fixtureStackConfig(stack: string): Record<string, string> {
  return readStackConfig(stack, FIXTURE_STACK_DIR);
}
