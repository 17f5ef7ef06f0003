/** decidePromotion: the rule prod applies to staging's outputs, case by case. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decidePromotion, PromotionRefused } from "../../infra/delivery/promotion";

const FROM = "acme/berth/staging";
const CURRENT = `sha256:${"b".repeat(64)}`;
const OLDER = `sha256:${"d".repeat(64)}`;
const OTHER = `sha256:${"c".repeat(64)}`;
const source = { sourceSha: "a".repeat(40), imageDigest: CURRENT, ranDigests: [CURRENT, OLDER] };

test("no request: staging's current digest, promoted", () => {
  assert.deepEqual(decidePromotion({ fromStack: FROM, source, allowUnpromotedDigest: false }), {
    digest: CURRENT,
    promoted: true,
  });
});

test("a rollback (berth:deploySha) to a digest staging has run (current or in its history) is promoted without the override", () => {
  for (const digest of [CURRENT, OLDER]) {
    assert.deepEqual(
      decidePromotion({
        fromStack: FROM,
        source,
        requested: { digest, origin: "berth:deploySha=9999", rollback: true },
        allowUnpromotedDigest: false,
      }),
      { digest, promoted: true },
    );
  }
  // History missing or malformed: the current digest still counts, nothing else does.
  for (const ranDigests of [undefined, "garbage", [42]]) {
    const s = { ...source, ranDigests };
    assert.equal(
      decidePromotion({
        fromStack: FROM,
        source: s,
        requested: { digest: CURRENT, origin: "x", rollback: true },
        allowUnpromotedDigest: false,
      }).promoted,
      true,
    );
    assert.throws(
      () =>
        decidePromotion({
          fromStack: FROM,
          source: s,
          requested: { digest: OLDER, origin: "x", rollback: true },
          allowUnpromotedDigest: false,
        }),
      PromotionRefused,
    );
  }
});

test("a berth:promotion.digest pin (the deploy workflow's) must be what staging runs now: an earlier one is refused", () => {
  assert.deepEqual(
    decidePromotion({
      fromStack: FROM,
      source,
      requested: { digest: CURRENT, origin: "berth:promotion.digest" },
      allowUnpromotedDigest: false,
    }),
    { digest: CURRENT, promoted: true },
  );
  assert.throws(
    () =>
      decidePromotion({
        fromStack: FROM,
        source,
        requested: { digest: OLDER, origin: "berth:promotion.digest" },
        allowUnpromotedDigest: false,
      }),
    (e: unknown) => {
      assert.ok(e instanceof PromotionRefused);
      assert.match(e.message, /ran earlier but does not run now/);
      for (const part of [OLDER, CURRENT, FROM, "berth:deploySha", "berth:promotion.allowUnpromotedDigest"])
        assert.ok(e.message.includes(part), part);
      return true;
    },
  );
  const forced = decidePromotion({
    fromStack: FROM,
    source,
    requested: { digest: OLDER, origin: "berth:promotion.digest" },
    allowUnpromotedDigest: true,
  });
  assert.equal(forced.promoted, false);
  assert.match(forced.warning!, /EMERGENCY OVERRIDE.*ran earlier but does not run now/);
});

test("a digest staging has not run is refused with the digest, the origin, the stack and the override", () => {
  assert.throws(
    () =>
      decidePromotion({
        fromStack: FROM,
        source,
        requested: { digest: OTHER, origin: "berth:deploySha=ffff", rollback: true },
        allowUnpromotedDigest: false,
      }),
    (e: unknown) => {
      assert.ok(e instanceof PromotionRefused);
      for (const part of [OTHER, "berth:deploySha=ffff", FROM, CURRENT, OLDER, "berth:promotion.allowUnpromotedDigest"])
        assert.ok(e.message.includes(part), part);
      return true;
    },
  );
});

test("the override lets it through, not promoted, with a warning naming the key", () => {
  const d = decidePromotion({
    fromStack: FROM,
    source,
    requested: { digest: OTHER, origin: "berth:promotion.digest" },
    allowUnpromotedDigest: true,
  });
  assert.equal(d.digest, OTHER);
  assert.equal(d.promoted, false);
  assert.match(d.warning!, /EMERGENCY OVERRIDE \(berth:promotion\.allowUnpromotedDigest=true\)/);
  assert.ok(d.warning!.includes(OTHER));
});

test("a source stack without a valid digest output is refused (deploy staging first), even with the override", () => {
  for (const imageDigest of [undefined, "", "latest", "sha256:short"]) {
    assert.throws(
      () => decidePromotion({ fromStack: FROM, source: { ...source, imageDigest }, allowUnpromotedDigest: true }),
      /no valid imageDigest output.*pulumi up -s acme\/berth\/staging/,
    );
  }
});

test("a request that is not a digest is refused", () => {
  assert.throws(
    () =>
      decidePromotion({
        fromStack: FROM,
        source,
        requested: { digest: "berth:latest", origin: "x" },
        allowUnpromotedDigest: true,
      }),
    PromotionRefused,
  );
});
