/**
 * The documents: README.md stays a front page (at most 12 KiB), every relative link of README.md, CONTRIBUTING.md,
 * docs/ and examples/ resolves to a file of the repository, and no committed text file names a path outside it.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../../offline/docsBlocks";

const README_LIMIT = 12 * 1024;

/** The Markdown files whose links are checked. */
function documents(): string[] {
  const under = (dir: string) =>
    fs
      .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".md"))
      .map((f) => path.join(dir, f));
  return ["README.md", "CONTRIBUTING.md", ...under("docs"), ...under("examples")];
}

/** Every `[text](target)` link outside code, with its line. */
export function markdownLinks(text: string): { target: string; line: number }[] {
  const masked = text
    .replace(/^```[\s\S]*?^```/gm, (block) => block.replace(/[^\n]/g, " "))
    .replace(/`[^`\n]*`/g, (span) => " ".repeat(span.length));
  const links: { target: string; line: number }[] = [];
  for (const m of masked.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g))
    links.push({ target: m[1], line: masked.slice(0, m.index).split("\n").length });
  return links;
}

/** GitHub's heading anchors: lowercased, punctuation dropped, spaces to hyphens. */
export function anchors(text: string): Set<string> {
  const out = new Set<string>();
  const prose = text.replace(/^```[\s\S]*?^```/gm, "");
  for (const m of prose.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, "")
      .replace(/ /g, "-");
    let unique = slug;
    for (let i = 1; out.has(unique); i++) unique = `${slug}-${i}`;
    out.add(unique);
  }
  return out;
}

test("README.md is at most 12 KiB (the details live in docs/)", () => {
  const size = fs.statSync(path.join(ROOT, "README.md")).size;
  assert.ok(size <= README_LIMIT, `README.md is ${size} bytes, over ${README_LIMIT}: move the detail to docs/`);
  assert.ok(size > 2000, `README.md is ${size} bytes: the front page lost its content`);
});

test("every relative link in README.md, CONTRIBUTING.md, docs/ and examples/ resolves to a file (and heading) of the repository", () => {
  const docs = documents();
  assert.ok(docs.includes("CONTRIBUTING.md") && docs.includes(path.join("docs", "policy.md")), docs.join(", "));
  const problems: string[] = [];
  let checked = 0;
  for (const doc of docs) {
    for (const { target, line } of markdownLinks(fs.readFileSync(path.join(ROOT, doc), "utf8"))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      checked++;
      const [file, anchor] = target.split("#");
      const resolved = file ? path.resolve(ROOT, path.dirname(doc), decodeURIComponent(file)) : path.join(ROOT, doc);
      const where = `${doc}:${line} (${target})`;
      if (!resolved.startsWith(ROOT + path.sep)) problems.push(`${where}: points outside the repository`);
      else if (!fs.existsSync(resolved)) problems.push(`${where}: no such file`);
      else if (anchor && resolved.endsWith(".md") && !anchors(fs.readFileSync(resolved, "utf8")).has(anchor))
        problems.push(`${where}: no heading #${anchor}`);
    }
  }
  assert.ok(checked >= 30, `only ${checked} relative links found: the scan is broken`);
  assert.deepEqual(problems, []);
});

test("the link check itself: a missing file, a missing heading and a path out of the repository are found", () => {
  const text = "See [a](docs/nope.md), [b](docs/policy.md#no-such-heading), [c](../elsewhere/x.md), `[d](skipped.md)`.";
  const links = markdownLinks(text).map((l) => l.target);
  assert.deepEqual(links, ["docs/nope.md", "docs/policy.md#no-such-heading", "../elsewhere/x.md"]);
  assert.ok(anchors("## The offline plan: the main command\n").has("the-offline-plan-the-main-command"));
  assert.ok(!anchors(fs.readFileSync(path.join(ROOT, "docs", "policy.md"), "utf8")).has("no-such-heading"));
  assert.ok(!path.resolve(ROOT, "../elsewhere/x.md").startsWith(ROOT + path.sep));
});

test("every repository path a document names in code (`infra/...`, `tests/...`, ...) exists", () => {
  const missing: string[] = [];
  let named = 0;
  for (const doc of documents()) {
    const text = fs.readFileSync(path.join(ROOT, doc), "utf8");
    for (const m of text.matchAll(
      /`((?:infra|offline|policy|tests|scripts|bench|app|docs|examples|\.github)\/[^`\s*<>]*)`/g,
    )) {
      const p = m[1].replace(/:.*$/, "");
      named++;
      if (!fs.existsSync(path.join(ROOT, p))) missing.push(`${doc}: ${p}`);
    }
  }
  assert.ok(named >= 100, `only ${named} paths found: the scan is broken`);
  assert.deepEqual(missing, []);
});

test("no committed file cites a section of the root README.md (its sections moved to docs/)", () => {
  const files = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" })
    .split("\0")
    .filter(
      (f) => /\.(ts|ya?ml|json|sh|cs|md)$|^scripts\/[^/.]+$|^\.ci\//.test(f) && fs.existsSync(path.join(ROOT, f)),
    );
  // The root README's name, a comma or parenthesis, then a quoted heading; another folder's README does not count.
  const cite = /(?<![\w/.-])README(?:\.md)?,? \(?"[A-Z]/;
  const hits = files.flatMap((f) =>
    fs
      .readFileSync(path.join(ROOT, f), "utf8")
      .split("\n")
      .flatMap((line, i) => (cite.test(line) ? [`${f}:${i + 1}: ${line.trim().slice(0, 120)}`] : [])),
  );
  const readme = ["READ", "ME.md"].join(""); // not spelt out, or this file would cite itself
  assert.ok(cite.test(`(${readme}, "ECS services")`) && cite.test(`${readme} ("Delivery")`));
  assert.ok(!cite.test(`app/${readme}, "Size"`));
  assert.deepEqual(hits, [], "point at the docs/ page instead");
});

/** Paths of this machine or of a neighbouring checkout: a committed file must not depend on them. */
const OUTSIDE = [/\/work\//, /\.\.\/shared\b/];
/** In documents also a scratch path (code may name the container's own /tmp, e.g. tests/container writes there). */
const OUTSIDE_IN_DOCS = [/(^|[\s"'`(=])\/tmp\/\S/];

test("no committed text file names a path outside the repository (this machine's work folder, a sibling checkout; scratch paths in documents)", () => {
  const files = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" })
    .split("\0")
    .filter((f) => f && fs.existsSync(path.join(ROOT, f)));
  assert.ok(files.length > 100, `git ls-files listed ${files.length} files`);
  const hits: string[] = [];
  for (const file of files) {
    const buf = fs.readFileSync(path.join(ROOT, file));
    if (buf.includes(0)) continue; // binary
    const lines = buf.toString("utf8").split("\n");
    lines.forEach((line, i) => {
      for (const re of [...OUTSIDE, ...(file.endsWith(".md") ? OUTSIDE_IN_DOCS : [])])
        if (re.test(line)) hits.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
    });
  }
  assert.deepEqual(hits, []);
});
