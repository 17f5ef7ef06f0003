/**
 * What an unknown key's problem says besides the known keys of its section: the known key it is most likely a typo
 * of ("did you mean `healthCheck`?"), and, for a setting written in the wrong section, where it lives
 * (`berth:services.web.healthCheck.path` -> `berth:loadBalancer.healthCheck.path`). Both come from the declarations,
 * so a new setting is suggested with no edit here.
 */
import { walk, type Fields } from "./declare";

/** Optimal string alignment distance (Levenshtein plus the swap of two neighbours, `hhealth` / `heatlh`). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate `key` is most likely a typo of: the same name in another case or with `_`/`-` (`health_check`),
 * else the nearest one within a third of the key's length (at least 1, at most 3 edits); ties go to the first.
 */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/[-_]/g, "");
  const same = candidates.find((c) => c !== key && fold(c) === fold(key));
  if (same) return same;
  const limit = Math.min(3, Math.max(1, Math.floor(key.length / 3)));
  let best: { key: string; distance: number } | undefined;
  for (const c of candidates) {
    const distance = editDistance(fold(key), fold(c));
    if (distance <= limit && (!best || distance < best.distance)) best = { key: c, distance };
  }
  return best?.key;
}

/** The declared key paths of `root`, with the `<name>` of a map of sections standing for any name. */
export function declaredKeyPaths(root: Fields, project: string): string[] {
  const paths: string[] = [];
  walk(root, project, (_field, keyPath) => paths.push(keyPath));
  return paths;
}

const segments = (keyPath: string) =>
  keyPath
    .replace(/^[^:]+:/, "")
    .split(/\.|\[\]/)
    .filter(Boolean);

/** Whether a declared path (with `<name>` placeholders) names the same place as a user's path. */
function sameSection(declared: string, userSection: string): boolean {
  const a = segments(declared).slice(0, -1);
  const b = segments(userSection);
  return a.length === b.length && a.every((s, i) => /^<.+>$/.test(s) || s === b[i]);
}

/**
 * Where a key written under `sectionPath` is declared elsewhere: the declared paths whose last segments equal the
 * key's (the longest such match first: `healthCheck.path` beats `path`), outside the section it was written in.
 * A key too generic to place (one segment matching more than three settings) gives nothing.
 */
export function homesOf(sectionPath: string, key: string, declared: readonly string[]): string[] {
  const written = [...segments(sectionPath), key];
  for (let n = Math.min(3, written.length); n >= 1; n--) {
    const suffix = written.slice(-n);
    const matches = declared.filter((d) => {
      const s = segments(d);
      return s.length >= n && suffix.every((seg, i) => s[s.length - n + i] === seg) && !sameSection(d, sectionPath);
    });
    if (matches.length > 0) return n === 1 && matches.length > 3 ? [] : matches;
  }
  return [];
}

/** The words an unknown key's problem adds after the known keys: a suggestion, and the setting's real home. */
export function unknownKeyHint(
  sectionPath: string,
  key: string,
  known: readonly string[],
  declared: readonly string[],
) {
  const hints: string[] = [];
  const typo = closestKey(key, known);
  if (typo) hints.push(`did you mean \`${typo}\`?`);
  const homes = typo ? [] : homesOf(sectionPath, key, declared);
  if (homes.length > 0)
    hints.push(`\`${key}\` is a setting of ${homes.map((h) => `\`${h}\``).join(" and ")}: set it there`);
  return hints.join("; ");
}
