/**
 * The configuration reference, generated from the settings declarations (infra/config/declare.ts, BERTH in
 * infra/config/index.ts): one page per area under docs/reference/, and the note block of Pulumi.yaml that lists the
 * keys validated by the program only. `node --import tsx offline/reference.ts` writes them; `--check` compares and
 * exits 1 naming each file that drifted (tests/config/reference.test.ts runs the same comparison).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BERTH, ENVIRONMENTS, STACK_SCOPED_KEYS, STRUCTURED_KEYS } from "../infra/config";
import { IMAGE_KEYS } from "../infra/config/registries";
import { isPerEnvironment, walk, type Field, type Fields } from "../infra/config/declare";

const ROOT = path.resolve(__dirname, "..");

interface Page {
  file: string;
  title: string;
  intro: string;
  keys: (keyof typeof BERTH)[];
}

const topLevel = (pick: (key: string) => boolean) => Object.keys(BERTH).filter(pick) as (keyof typeof BERTH)[];
const SECTION_KINDS = ["section", "sections", "sectionList"];

export const PAGES: Page[] = [
  {
    file: "stack-keys.md",
    title: "Stack keys",
    intro:
      "The scalar keys of `berth:` (and `berth:tags`). Pulumi.yaml declares the keys every stack sets or whose default holds for every stack; the others are validated by the program only. The provider key `aws:region` is required in aws stacks and validated by the program too.",
    keys: topLevel((k) => !(k in IMAGE_KEYS) && !SECTION_KINDS.includes((BERTH as Fields)[k]!.kind) && k !== "logs"),
  },
  {
    file: "registries.md",
    title: "Registries and image",
    intro:
      "The image's name, platform and rollback SHA, how it is built (your app: docs/your-app.md), and the three registries it is pushed to.",
    keys: [...(Object.keys(IMAGE_KEYS) as (keyof typeof BERTH)[]), "build", "ecr", "artifactRegistry", "ghcr"],
  },
  {
    file: "services.md",
    title: "Services",
    intro:
      "`berth:services.<service>`: one ECS service each (the same image). Cross-field rules (Fargate cpu/memory pairs, routes, priorities, the secrets budget) are checked by the reader, infra/config/services.ts.",
    keys: ["services"],
  },
  {
    file: "network.md",
    title: "Network, load balancer, cluster and logs",
    intro: "The VPC, the ALB, the ECS cluster and CloudWatch log retention (aws stacks).",
    keys: ["network", "loadBalancer", "cluster", "logs"],
  },
  {
    file: "delivery.md",
    title: "Delivery and promotion",
    intro: "The CI identity and GitHub environment of a stack, and prod's promotion from staging.",
    keys: ["delivery", "promotion"],
  },
  {
    file: "alarms.md",
    title: "Alarms and notifications",
    intro:
      "The thresholds of the alarms each service attaches to its ECS deployment (stack-wide, then per service), and the subscriptions of the stack's SNS topic.",
    keys: ["alarms", "notifications"],
  },
  {
    file: "local.md",
    title: "Local stack",
    intro: "`berth:local`: the local stack on a laptop's Docker. Every port is bound to 127.0.0.1.",
    keys: ["local"],
  },
];

function describeType(f: Field): string {
  switch (f.kind) {
    case "integer":
      return "integer";
    case "percent":
      return "number (multiple of 0.1)";
    case "boolean":
      return "boolean";
    case "oneOf":
      return "string (one of)";
    case "string":
      return "string";
    case "stringList":
      return "list of strings";
    case "stringMap":
      return "map of strings";
    case "integerMap":
      return "map of integers";
    case "section":
      return "object";
    case "sections":
      return "map of objects";
    case "sectionList":
      return "list of objects";
  }
}

function show(v: unknown): string {
  if (typeof v === "string") return `\`${v}\``;
  return `\`${JSON.stringify(v)}\``;
}

function describeDefault(f: Field): string {
  const d = "default" in f ? f.default : undefined;
  if (isPerEnvironment(d)) return ENVIRONMENTS.map((e) => `${e}: ${show(d.perEnvironment[e])}`).join("<br>");
  if (d !== undefined) return show(d);
  if (f.defaultText) return f.defaultText;
  if (f.kind === "string" && f.required) return "required";
  return SECTION_KINDS.includes(f.kind) || f.kind === "stringMap" ? "" : "unset";
}

function describeAllowed(f: Field): string {
  switch (f.kind) {
    case "integer":
      if (f.allowed) return f.allowed;
      if (f.oneOf) return `one of ${f.oneOf.join(", ")}`;
      if (f.min !== undefined && f.max !== undefined) return `${f.min} to ${f.max}`;
      if (f.min !== undefined) return `>= ${f.min}`;
      return f.max !== undefined ? `<= ${f.max}` : "";
    case "percent":
      return `${f.min} to ${f.max}, in steps of 0.1`;
    case "integerMap":
      return `${f.min} to ${f.max}`;
    case "boolean":
      return "true, false";
    case "oneOf":
      return f.values.map((v) => `\`${v}\``).join(", ");
    case "string":
    case "stringList":
      return f.allowed ?? (f.pattern ? `matching \`${f.pattern}\`` : "");
    case "stringMap":
      return f.allowed ?? (f.keyPattern ? `names matching \`${f.keyPattern}\`` : "");
    default:
      return "";
  }
}

function describe(f: Field): string {
  const notes: string[] = [];
  if (f.applies && f.applies !== "both") notes.push(`${f.applies} stacks only`);
  const h = f.hardening;
  if (h) {
    const rules = [h.rule && `rule \`${h.rule}\``, h.localRule && `local rule \`${h.localRule}\``, h.controls].filter(
      Boolean,
    );
    notes.push(`**hardening**${rules.length ? ` (${rules.join(", ")})` : " (no rule; shown in the plan)"}`);
  }
  return [f.doc, ...notes.map((n) => `_${n}_`)].join(" ");
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderPage(page: Page, root: Fields = BERTH): string {
  const lines = [
    "<!-- Generated by offline/reference.ts from the settings declarations (infra/config/); do not edit. -->",
    "",
    `# ${page.title}`,
    "",
    page.intro,
    "",
    "Hardening settings are marked with the policy rule that flags their opt-out; the stack warns about each opt-out.",
    "",
    "| Key | Type | Default | Allowed | Description |",
    "| --- | --- | --- | --- | --- |",
  ];
  const subset = Object.fromEntries(page.keys.map((k) => [k, root[k]!])) as Fields;
  walk(subset, "berth", (field, keyPath) => {
    lines.push(
      `| \`${keyPath}\` | ${cell(describeType(field))} | ${cell(describeDefault(field))} | ${cell(describeAllowed(field))} | ${cell(describe(field))} |`,
    );
  });
  return `${lines.join("\n")}\n`;
}

const PULUMI_YAML_BEGIN = "# BEGIN keys validated by the program only (generated by offline/reference.ts)";
const PULUMI_YAML_END = "# END keys validated by the program only";

function wrapComment(first: string, words: string[], width = 120): string[] {
  const out: string[] = [];
  let line = first;
  for (const w of words) {
    if (line.length + 1 + w.length > width) {
      out.push(line);
      line = `#   ${w}`;
    } else line = `${line} ${w}`;
  }
  out.push(line);
  return out;
}

/** Pulumi.yaml with its generated block (between the markers) rendered from STACK_SCOPED_KEYS and STRUCTURED_KEYS. */
function renderPulumiYaml(current: string): string {
  const begin = current.indexOf(PULUMI_YAML_BEGIN);
  const end = current.indexOf(PULUMI_YAML_END);
  if (begin < 0 || end < begin) throw new Error("Pulumi.yaml: the generated block's markers are missing");
  const scoped = Object.keys(STACK_SCOPED_KEYS).map((k) => `berth:${k},`);
  const structured = Object.keys(STRUCTURED_KEYS).map((k) => `berth:${k},`);
  const block = [
    PULUMI_YAML_BEGIN,
    "# The other keys are validated by the program only (`loadSettings`: every problem names the key, the value and what",
    "# is allowed, before any resource; unknown keys are errors); docs/reference/ describes each (from infra/config/):",
    ...wrapComment("# - STACK_SCOPED_KEYS, scalar keys some stack runs leave unset or must not set:", [
      ...scoped.slice(0, -1),
      scoped.at(-1)!.replace(/,$/, ";"),
    ]),
    ...wrapComment("# - STRUCTURED_KEYS, mapping-valued keys:", [
      ...structured.slice(0, -1),
      structured.at(-1)!.replace(/,$/, "."),
    ]),
  ];
  return current.slice(0, begin) + block.join("\n") + "\n" + current.slice(end);
}

const CONFIG_BEGIN = "  # BEGIN project keys (generated by offline/reference.ts from the declarations)";
const CONFIG_END = "  # END project keys";

/** Pulumi.yaml's `config:` entries: the declarations with `schema` set (type, description, default for `project`). */
function renderProjectConfig(current: string): string {
  const begin = current.indexOf(CONFIG_BEGIN);
  const end = current.indexOf(CONFIG_END);
  if (begin < 0 || end < begin) throw new Error("Pulumi.yaml: the config block's markers are missing");
  const lines = [CONFIG_BEGIN];
  for (const [key, f] of Object.entries(BERTH as Fields)) {
    if (!f.schema) continue;
    if (f.kind !== "string" && f.kind !== "oneOf")
      throw new Error(`${key}: only string keys are declared in Pulumi.yaml`);
    lines.push(`  ${key}:`, "    type: string");
    lines.push(`    description: ${JSON.stringify([f.doc, f.schemaNote].filter(Boolean).join(" "))}`);
    const d = f.default;
    if (f.schema === "project" && d !== undefined) {
      if (isPerEnvironment(d)) throw new Error(`${key}: a per-environment default cannot be a Pulumi.yaml default`);
      lines.push(`    default: ${d}`);
    }
  }
  return current.slice(0, begin) + lines.join("\n") + "\n" + current.slice(end);
}

/** Every generated file: repository-relative path -> content. */
export function renderAll(pulumiYaml: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const page of PAGES) out.set(path.posix.join("docs", "reference", page.file), renderPage(page));
  out.set("Pulumi.yaml", renderProjectConfig(renderPulumiYaml(pulumiYaml)));
  return out;
}

function main(argv: string[]): number {
  const check = argv.includes("--check");
  const files = renderAll(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
  const drifted: string[] = [];
  for (const [file, content] of files) {
    const full = path.join(ROOT, file);
    const current = fs.existsSync(full) ? fs.readFileSync(full, "utf8") : undefined;
    if (current === content) continue;
    if (check) drifted.push(file);
    else {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, content);
      console.log(`wrote ${file}`);
    }
  }
  if (drifted.length > 0) {
    console.error(`out of date (run node --import tsx offline/reference.ts): ${drifted.join(", ")}`);
    return 1;
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
