// A model of what the Pulumi engine does with `ignoreChanges` before it asks the provider for a diff, for tests that
// replay a second `pulumi up` against a given state. Not a test file.
//
// Source: pulumi/pulumi `pkg/resource/deploy/step_generator.go`, `processIgnoreChanges`: for each ignoreChanges path,
// `path.Reset(oldInputs, ignoredInputs)` on a copy of the new inputs; a path that cannot be reset fails the update
// ("cannot ignore changes to the following properties because one or more elements of the path are missing").
// `PropertyPath.Reset` / `reset` in `sdk/go/common/resource/properties_path.go`: at the leaf, the new value takes the
// old one, or is DELETED when the old inputs lack it; arrays are never resized; an index present in one array only is a
// path error; `*` matches every key or index. The provider then diffs the resulting inputs against the state.

export type PathElement = string | number;

/** `loadBalancers[0].advancedConfiguration.alternateTargetGroupArn` -> ["loadBalancers", 0, "advancedConfiguration", ...]. */
export function parsePropertyPath(text: string): PathElement[] {
  const out: PathElement[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.push(m[1] !== undefined ? m[1] : m[2] !== undefined ? Number(m[2]) : m[3]!);
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** PropertyPath.reset: sets `next` at `path` to `old`'s value there (in place); false on a path error. */
function reset(path: PathElement[], old: unknown, next: unknown): boolean {
  if (path.length === 0) return false;
  const [key, ...rest] = path;
  if (typeof key === "number") {
    if (key < 0) return false;
    const oldIsArray = Array.isArray(old);
    const newIsArray = Array.isArray(next);
    if (rest.length === 0) {
      if (!oldIsArray && !newIsArray) return true;
      if (!oldIsArray || !newIsArray) return false;
      const o = old as unknown[];
      const n = next as unknown[];
      if (key >= o.length && key >= n.length) return true;
      if (key >= o.length || key >= n.length) return false;
      n[key] = structuredClone(o[key]);
      return true;
    }
    if (!oldIsArray || !newIsArray) return !oldIsArray && !newIsArray;
    const o = old as unknown[];
    const n = next as unknown[];
    if (key >= o.length || key >= n.length) return false;
    return reset(rest, o[key], n[key]);
  }
  if (key === "*") {
    if (rest.length === 0) {
      if (isObject(next)) {
        if (isObject(old)) {
          for (const k of Object.keys(old)) next[k] = structuredClone(old[k]);
          for (const k of Object.keys(next)) if (!(k in old)) delete next[k];
        }
        return true;
      }
      if (Array.isArray(next)) {
        if (Array.isArray(old)) {
          if (old.length !== next.length) return false;
          old.forEach((v, i) => (next[i] = structuredClone(v)));
        }
        return true;
      }
      return false;
    }
    if (isObject(old) && isObject(next))
      return Object.keys(old).every((k) => k in next && reset(rest, old[k], next[k]));
    if (Array.isArray(old) && Array.isArray(next))
      return old.length === next.length && old.every((v, i) => reset(rest, v, next[i]));
    return false;
  }
  if (rest.length === 0) {
    const has = isObject(old) && key in old;
    if (has) {
      if (!isObject(next)) return false;
      next[key] = structuredClone(old[key]);
    } else if (isObject(next)) {
      delete next[key];
    }
    return true;
  }
  if (!isObject(old) || !isObject(next)) return !isObject(old) && !isObject(next);
  const hasNew = key in next;
  const hasOld = key in old;
  if (hasOld && !hasNew) return false;
  if (!hasOld && !hasNew) return true;
  return reset(rest, old[key], next[key]);
}

/** processIgnoreChanges: the new inputs with every ignored path reset to the old inputs' value (a copy). */
export function processIgnoreChanges(
  inputs: Record<string, unknown>,
  oldInputs: Record<string, unknown>,
  ignoreChanges: readonly string[],
): Record<string, unknown> {
  const ignored = structuredClone(inputs);
  const invalid = ignoreChanges.filter((p) => !reset(parsePropertyPath(p), oldInputs, ignored));
  if (invalid.length > 0)
    throw new Error(
      `cannot ignore changes to the following properties because one or more elements of the path are missing: ${JSON.stringify(invalid.join(", "))}`,
    );
  return ignored;
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObject(v)) {
    return Object.fromEntries(
      Object.keys(v)
        .filter((k) => v[k] !== undefined)
        .sort()
        .map((k) => [k, canonical(v[k])]),
    );
  }
  return v;
}

/** The top-level input keys whose values differ (what `pulumi preview` lists as `[diff: ~key]`). */
export function changedKeys(state: Record<string, unknown>, inputs: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(state), ...Object.keys(inputs)]);
  return [...keys]
    .filter(
      (k) => inputs[k] !== undefined && JSON.stringify(canonical(state[k])) !== JSON.stringify(canonical(inputs[k])),
    )
    .sort();
}

/** The diff of a second run: the program's new inputs after ignoreChanges, against the resource's current inputs. */
export function secondRunDiff(
  current: Record<string, unknown>,
  registered: Record<string, unknown>,
  ignoreChanges: readonly string[],
): string[] {
  return changedKeys(current, processIgnoreChanges(registered, current, ignoreChanges));
}

/**
 * The same diff for a bridged provider whose property is a set in the Terraform schema (`aws_ecs_service.load_balancer`
 * is a TypeSet in terraform-provider-aws `internal/service/ecs/service.go`). The bridge diffs a set by its elements: an
 * element that changed in any field is one element removed and one added, so an ignoreChanges path that indexes into
 * the set (`loadBalancers[0].targetGroupArn`) suppresses nothing (pulumi/pulumi-terraform-bridge#1756 "IgnoreChanges
 * unable to ignore set element changes", #2240; Terraform itself refuses such a path: "Cannot index a set value",
 * hashicorp/terraform-provider-aws#9776). Only a path naming the whole set property takes effect.
 */
export function bridgedSecondRunDiff(
  current: Record<string, unknown>,
  registered: Record<string, unknown>,
  ignoreChanges: readonly string[],
  setProperties: readonly string[],
): string[] {
  const effective = ignoreChanges.filter((p) => {
    const [head, ...rest] = parsePropertyPath(p);
    return !(typeof head === "string" && setProperties.includes(head) && rest.length > 0);
  });
  return secondRunDiff(current, registered, effective);
}
