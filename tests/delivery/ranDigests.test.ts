/** mergeRanDigests: staging's bounded history of the digests it ran (pure), case by case. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mergeRanDigests, RAN_DIGESTS_LIMIT } from "../../infra/delivery/promotion";

const d = (c: string) => `sha256:${c.repeat(64)}`;
const [A, B, C, E] = [d("a"), d("b"), d("c"), d("e")];

test("no history (first up: the output is missing): only the current digest, no warning", () => {
  assert.deepEqual(mergeRanDigests(A, undefined), { ranDigests: [A] });
  assert.deepEqual(mergeRanDigests(A, null), { ranDigests: [A] });
  assert.deepEqual(mergeRanDigests(A, []), { ranDigests: [A] });
});

test("newest first: the current digest, then the previous history in its order", () => {
  assert.deepEqual(mergeRanDigests(A, [B, C]).ranDigests, [A, B, C]);
});

test("a digest already in the history moves to the front; duplicates are dropped", () => {
  assert.deepEqual(mergeRanDigests(C, [B, C, E]).ranDigests, [C, B, E]);
  assert.deepEqual(mergeRanDigests(A, [A, B, B, A, C]).ranDigests, [A, B, C]);
  assert.equal(mergeRanDigests(A, [A, B]).warning, undefined, "duplicates are not malformed");
});

test("bounded: at most the limit, the oldest dropped; the default bound is RAN_DIGESTS_LIMIT (20)", () => {
  assert.equal(RAN_DIGESTS_LIMIT, 20);
  const many = Array.from({ length: 30 }, (_, i) => `sha256:${i.toString(16).padStart(64, "0")}`);
  const merged = mergeRanDigests(A, many).ranDigests;
  assert.equal(merged.length, 20);
  assert.deepEqual(merged, [A, ...many.slice(0, 19)]);
  assert.deepEqual(mergeRanDigests(A, [B, C, E], 2).ranDigests, [A, B]);
  assert.deepEqual(mergeRanDigests(A, [B, C, E], 1).ranDigests, [A]);
  assert.equal(mergeRanDigests(A, many, 0).ranDigests.length, 20, "a nonsensical bound falls back to the default");
});

test("malformed history: never an error; bad entries or a non-list are dropped with a warning", () => {
  const partly = mergeRanDigests(A, [B, 42, "latest", null, "sha256:short", C]);
  assert.deepEqual(partly.ranDigests, [A, B, C]);
  assert.match(partly.warning!, /ignored 4 malformed entries/);
  for (const previous of ["sha256:" + "b".repeat(64), { 0: B }, 7, true]) {
    const r = mergeRanDigests(A, previous);
    assert.deepEqual(r.ranDigests, [A], JSON.stringify(previous));
    assert.match(r.warning!, /not a list/);
  }
});
