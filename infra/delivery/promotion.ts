/**
 * Promotion: the prod stack never builds. It deploys the image digest the staging stack runs, read through a
 * `pulumi.StackReference` to staging's outputs, from prod's own ECR repository (which receives the image by ECR
 * cross-account replication: the digest is preserved).
 *
 *   staging outputs ── sourceSha, imageDigest, ranDigests ──► StackReference ──► decidePromotion ──► <prod ECR repo>@<digest>
 *
 * Staging's `ranDigests` is a bounded history (newest first, at most `RAN_DIGESTS_LIMIT`): the digest it runs now,
 * then the ones it ran before, read from staging's own previous outputs through a StackReference to itself.
 * Both `imageDigest` and `ranDigests` name only verified digests: `promotionSourceOutputs` takes a `VerifiedRelease`
 * (infra/rollout/verifiedRelease.ts), whose digest resolves only after every service's PRIMARY deployment completed
 * with it; a rolled-back deployment fails staging's `up` and leaves its previous outputs, so prod never reads it.
 *
 * What prod accepts without the override:
 * - nothing requested: staging's current digest (the normal promotion);
 * - `berth:deploySha` (a rollback): any digest in staging's `ranDigests` history;
 * - `berth:promotion.digest` (the pin the deploy workflow sets to the digest its run built): only the digest staging
 *   runs now, so approving an older run late can never roll prod back.
 * Anything else is refused with a clear error, unless `berth:promotion.allowUnpromotedDigest: true` is set: the
 * documented emergency override, which logs a loud warning on every run while it is set.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { PromotionSettings } from "../config";
import type { VerifiedRelease } from "../rollout/verifiedRelease";

/** What a promoted release gives the rest of the stack (the same shape as infra/registries/image.ts `ImageRelease`). */
interface PromotedRelease {
  sha: pulumi.Output<string>;
  digest: pulumi.Output<string>;
  /** `<acct>.dkr.ecr.<region>.amazonaws.com/<name>@sha256:...`: what ECS runs. */
  ecrDigestRef: pulumi.Output<string>;
  refs: Record<string, pulumi.Output<string>>;
}

/** The outputs a stack exports for the stacks that promote from it. */
interface PromotionSourceOutputs {
  sourceSha: unknown;
  imageDigest: unknown;
  /** The digests the source stack has run, newest first, at most `RAN_DIGESTS_LIMIT` (see `mergeRanDigests`). */
  ranDigests?: unknown;
}

const PROMOTION_OVERRIDE_KEY = "berth:promotion.allowUnpromotedDigest";
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const SHA = /^[0-9a-f]{40}$/;
/** How many digests a source stack's `ranDigests` history keeps (the current one included). */
export const RAN_DIGESTS_LIMIT = 20;

export class PromotionRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PromotionRefused";
  }
}

interface PromotionRequest {
  fromStack: string;
  source: PromotionSourceOutputs;
  /**
   * A digest this stack was asked to deploy instead of the source's current one, and where the request came from.
   * `rollback: true` (a `berth:deploySha`) accepts any digest in the source's history; otherwise (a
   * `berth:promotion.digest` pin) only the digest the source runs now.
   */
  requested?: { digest: string; origin: string; rollback?: boolean };
  allowUnpromotedDigest: boolean;
}

interface PromotionDecision {
  digest: string;
  /** True when the source stack has run the digest (the normal path). */
  promoted: boolean;
  /** Set when the emergency override let an unpromoted digest through: log it loudly. */
  warning?: string;
}

/** Pure: which digest this stack deploys, or a `PromotionRefused` naming the digest, the source stack and the override. */
export function decidePromotion(r: PromotionRequest): PromotionDecision {
  const current = r.source.imageDigest;
  if (typeof current !== "string" || !DIGEST.test(current)) {
    throw new PromotionRefused(
      `Promotion refused: stack ${r.fromStack} has no valid imageDigest output (got ${JSON.stringify(current)}). ` +
        `Deploy ${r.fromStack} first (pulumi up -s ${r.fromStack}); prod never builds.`,
    );
  }
  const ran = new Set<string>([
    current,
    ...(Array.isArray(r.source.ranDigests)
      ? r.source.ranDigests.filter((d): d is string => typeof d === "string" && DIGEST.test(d))
      : []),
  ]);
  if (!r.requested) return { digest: current, promoted: true };
  const wanted = r.requested.digest;
  if (!DIGEST.test(wanted))
    throw new PromotionRefused(
      `Promotion refused: ${r.requested.origin} resolved to ${JSON.stringify(wanted)}, not an image digest sha256:<64 hex>.`,
    );
  if (wanted === current || (r.requested.rollback && ran.has(wanted))) return { digest: wanted, promoted: true };
  const ranEarlier = ran.has(wanted);
  if (r.allowUnpromotedDigest) {
    return {
      digest: wanted,
      promoted: false,
      warning:
        `EMERGENCY OVERRIDE (${PROMOTION_OVERRIDE_KEY}=true): deploying ${wanted} (${r.requested.origin}), which ${r.fromStack} ` +
        `${ranEarlier ? "ran earlier but does not run now" : "has not run"} (it runs ${current}). ` +
        `Remove the override after the incident: pulumi config rm --path promotion.allowUnpromotedDigest -s <prod stack>.`,
    };
  }
  if (ranEarlier) {
    throw new PromotionRefused(
      `Promotion refused: ${r.requested.origin} asks for ${wanted}, which ${r.fromStack} ran earlier but does not run now ` +
        `(it runs ${current}). A berth:promotion.digest pin must be what ${r.fromStack} runs now, so that approving an older ` +
        `deploy late cannot roll prod back. To roll back to it, set berth:deploySha to its commit instead (accepted for any ` +
        `digest in ${r.fromStack}'s ranDigests history), or, in an emergency only, set ${PROMOTION_OVERRIDE_KEY}: true.`,
    );
  }
  throw new PromotionRefused(
    `Promotion refused: ${r.requested.origin} asks for ${wanted}, which ${r.fromStack} has not run ` +
      `(it has run: ${[...ran].join(", ")}). Deploy it to staging first, or, in an emergency only, set ` +
      `${PROMOTION_OVERRIDE_KEY}: true (pulumi config set --path promotion.allowUnpromotedDigest true).`,
  );
}

/**
 * Pure: the new `ranDigests` history, newest first: `current`, then the previous history without it (and without
 * duplicates), at most `limit` entries. A missing history (`undefined`/`null`: the stack's first `up`) is no history;
 * a malformed one (not an array, entries that are not `sha256:<64 hex>`) is dropped in whole or in part with a
 * warning, never an error: staging must not fail because of its own history.
 */
export function mergeRanDigests(
  current: string,
  previous: unknown,
  limit = RAN_DIGESTS_LIMIT,
): { ranDigests: string[]; warning?: string } {
  const bound = Number.isInteger(limit) && limit >= 1 ? limit : RAN_DIGESTS_LIMIT;
  if (previous === undefined || previous === null) return { ranDigests: [current] };
  if (!Array.isArray(previous)) {
    return {
      ranDigests: [current],
      warning: `ranDigests history: the previous ranDigests output is not a list (${JSON.stringify(previous)?.slice(0, 120)}); starting a new history with ${current}.`,
    };
  }
  const dropped = previous.filter((d) => typeof d !== "string" || !DIGEST.test(d));
  const merged = [
    ...new Set([current, ...previous.filter((d): d is string => typeof d === "string" && DIGEST.test(d))]),
  ].slice(0, bound);
  return dropped.length
    ? {
        ranDigests: merged,
        warning: `ranDigests history: ignored ${dropped.length} malformed entr${dropped.length === 1 ? "y" : "ies"} of the previous ranDigests output (${JSON.stringify(dropped).slice(0, 120)}).`,
      }
    : { ranDigests: merged };
}

/**
 * This stack's own previous `ranDigests` output, read through a StackReference to itself (empty on the first `up`).
 * Only a source stack (staging) calls this.
 */
export function previousRanDigests(name: string, opts: { parent?: pulumi.Resource } = {}): pulumi.Output<unknown> {
  const self = new pulumi.StackReference(
    name,
    { name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}` },
    opts.parent ? { parent: opts.parent } : undefined,
  );
  return self.getOutput("ranDigests");
}

/**
 * The outputs prod reads, from a verified release only (the digest every service's rollout completed with). Given
 * `previous` (the stack's own previous `ranDigests`), `ranDigests` is the bounded history (`mergeRanDigests`); without
 * it (prod, which is no source), only the digest the stack runs now.
 */
export function promotionSourceOutputs(release: VerifiedRelease, previous?: pulumi.Input<unknown>) {
  const digest = release.digest;
  const ranDigests =
    previous === undefined
      ? digest.apply((d) => [d])
      : pulumi.all([digest, pulumi.output(previous)]).apply(([d, prev]) => {
          const merged = mergeRanDigests(d, prev);
          if (merged.warning) pulumi.log.warn(merged.warning);
          return merged.ranDigests;
        });
  return { sourceSha: pulumi.output(release.sha), imageDigest: digest, ranDigests };
}

interface PromotedImageArgs {
  /** Where prod's digest comes from (the source stack), and the pinned digest override. */
  promotion: PromotionSettings;
  /** Rollback (`berth:deploySha`): this earlier SHA's image, as prod's ECR has it. */
  deploySha?: string;
  /** Prod's own ECR repository URL (`<acct>.dkr.ecr.<region>.amazonaws.com/<name>`), the replication target. */
  ecrRepositoryUrl: pulumi.Input<string>;
  /** Its name, to resolve a `berth:deploySha` or pinned digest in it. */
  ecrRepositoryName: pulumi.Input<string>;
}

/** The prod release: staging's running digest (or an allowed pin), pulled from prod's own ECR repository. */
export function promotedImage(
  name: string,
  args: PromotedImageArgs,
  opts: { provider?: aws.Provider; parent?: pulumi.Resource } = {},
): PromotedRelease {
  const { promotion, deploySha } = args;
  const source = new pulumi.StackReference(
    name,
    { name: promotion.fromStack },
    opts.parent ? { parent: opts.parent } : undefined,
  );
  const sourceOutputs = pulumi
    .all([source.getOutput("sourceSha"), source.getOutput("imageDigest"), source.getOutput("ranDigests")])
    .apply(([sourceSha, imageDigest, ranDigests]): PromotionSourceOutputs => ({ sourceSha, imageDigest, ranDigests }));

  // A rollback SHA or a pinned digest is looked up in prod's own repository (replication keeps tags and digests).
  const lookup =
    deploySha || promotion.digest
      ? aws.ecr.getImageOutput(
          {
            repositoryName: args.ecrRepositoryName,
            ...(deploySha ? { imageTag: deploySha } : { imageDigest: promotion.digest }),
          },
          { provider: opts.provider, parent: opts.parent },
        )
      : undefined;
  const requested = lookup
    ? lookup.apply((image) => ({
        digest: image.imageDigest,
        sha: deploySha ?? image.imageTags.find((t) => SHA.test(t)),
        origin: deploySha ? `berth:deploySha=${deploySha}` : `berth:promotion.digest=${promotion.digest}`,
        rollback: Boolean(deploySha),
      }))
    : pulumi.output(undefined);

  const decision = pulumi.all([sourceOutputs, requested]).apply(([src, req]) => {
    let d: PromotionDecision;
    try {
      d = decidePromotion({
        fromStack: promotion.fromStack,
        source: src,
        requested: req ? { digest: req.digest, origin: req.origin, rollback: req.rollback } : undefined,
        allowUnpromotedDigest: promotion.allowUnpromotedDigest,
      });
    } catch (e) {
      // The engine prints this line as is; the resources that would run the digest are never registered.
      pulumi.log.error(e instanceof Error ? e.message : String(e));
      throw e;
    }
    if (d.warning) pulumi.log.warn(d.warning);
    const sha =
      req?.sha ?? (d.digest === src.imageDigest && typeof src.sourceSha === "string" ? src.sourceSha : "unknown");
    return { ...d, sha };
  });
  const digest = decision.digest;
  const ecrDigestRef = pulumi.interpolate`${args.ecrRepositoryUrl}@${digest}`;
  return { sha: decision.sha, digest, ecrDigestRef, refs: { ecr: ecrDigestRef } };
}
