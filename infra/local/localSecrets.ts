/**
 * Local values of the services' secrets. In the cloud a service's `secrets` are SSM parameter or Secrets Manager ARNs
 * that ECS resolves at start; a laptop has neither, so the `local` stack reads each secret's local value from a YAML
 * file that is never committed (`berth:local.secretsFile`, default `.berth/local-secrets.yaml`, git-ignored):
 *
 *   web:
 *     ConnectionStrings__Default: "Host=127.0.0.1;Database=app;Username=app;Password=local-only"
 *
 * The file must be ignored by git and not tracked (a tracked or merely untracked file is one `git add .` away from
 * being pushed); every secret a service declares needs a value, and the file names no other. All of it is checked
 * before any resource is registered, and the values reach the containers as Pulumi secrets (encrypted in the state).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { Problems } from "../config/problems";

/** What git says of a file: tracked (`git ls-files --error-unmatch`), ignored (`git check-ignore`). */
interface GitFileStatus {
  tracked: boolean;
  ignored: boolean;
}

export function gitFileStatus(file: string): GitFileStatus {
  const cwd = path.dirname(file);
  const ok = (...args: string[]) => {
    try {
      execFileSync("git", args, { cwd, stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  };
  return { tracked: ok("ls-files", "--error-unmatch", "--", file), ignored: ok("check-ignore", "-q", "--", file) };
}

interface LocalSecretsInput {
  /** `berth:local.secretsFile` as given (relative to `root`). */
  secretsFile: string;
  /** The project folder (where Pulumi.yaml is). */
  root: string;
  /** Each service's declared secret names. */
  services: readonly { name: string; secrets: Record<string, string> }[];
  git?: (file: string) => GitFileStatus;
}

const KEY = "berth:local.secretsFile";

/**
 * The local value of every declared secret, by service; problems (file missing, tracked or not ignored, a value
 * missing, a name no service declares) are added to `problems`, each naming the file and the key.
 */
export function readLocalSecrets(input: LocalSecretsInput, problems: Problems): Record<string, Record<string, string>> {
  const wanted = input.services.filter((s) => Object.keys(s.secrets).length > 0);
  const out: Record<string, Record<string, string>> = Object.fromEntries(input.services.map((s) => [s.name, {}]));
  if (wanted.length === 0) return out;
  const file = path.resolve(input.root, input.secretsFile);
  const expected = wanted.flatMap((s) => Object.keys(s.secrets).map((n) => `${s.name}.${n}`));
  const shape = `a git-ignored YAML file mapping each service to its secrets' local values (needed: ${expected.join(", ")})`;
  if (!fs.existsSync(file)) {
    problems.add(KEY, input.secretsFile, `${shape}; the file does not exist: create it (docs/local.md#secrets)`);
    return out;
  }
  const status = (input.git ?? gitFileStatus)(file);
  if (status.tracked)
    problems.add(
      KEY,
      input.secretsFile,
      `a file git does not track; it is tracked: git rm --cached ${input.secretsFile}`,
    );
  else if (!status.ignored)
    problems.add(KEY, input.secretsFile, `a git-ignored file; add it to .gitignore (the default .berth/ is ignored)`);
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8")) ?? {};
  } catch (e) {
    problems.add(KEY, input.secretsFile, `${shape}; it is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    return out;
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    problems.add(KEY, input.secretsFile, shape);
    return out;
  }
  const byService = doc as Record<string, unknown>;
  for (const service of input.services) {
    const given = byService[service.name];
    const values = (typeof given === "object" && given !== null && !Array.isArray(given) ? given : {}) as Record<
      string,
      unknown
    >;
    for (const name of Object.keys(service.secrets)) {
      const value = values[name];
      if (typeof value === "string" && value.length > 0) out[service.name]![name] = value;
      else
        problems.add(
          `${input.secretsFile}: ${service.name}.${name}`,
          value === undefined ? undefined : "(value hidden)",
          `the local value of berth:services.${service.name}.secrets.${name}, a non-empty string`,
        );
    }
    for (const name of Object.keys(values).filter((n) => !(n in service.secrets)))
      problems.add(
        `${input.secretsFile}: ${service.name}.${name}`,
        "(value hidden)",
        `a secret berth:services.${service.name}.secrets declares (${Object.keys(service.secrets).join(", ") || "none"})`,
      );
  }
  const names = new Set(input.services.map((s) => s.name));
  for (const extra of Object.keys(byService).filter((n) => !names.has(n)))
    problems.add(
      `${input.secretsFile}: ${extra}`,
      "(values hidden)",
      `a service of berth:services (${[...names].join(", ")})`,
    );
  return out;
}
