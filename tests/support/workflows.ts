/** The repository's GitHub workflows, as text and as parsed YAML. Not a test file. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { REPO_ROOT } from "../../offline/mockRuntime";

export const WORKFLOWS_DIR = path.join(REPO_ROOT, ".github", "workflows");

export function readWorkflow(file: string): { text: string; doc: any } {
  const text = fs.readFileSync(path.join(WORKFLOWS_DIR, file), "utf8");
  return { text, doc: parseYaml(text) };
}
