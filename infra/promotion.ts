/**
 * Promotion: the prod stack never builds. It deploys the image digest the staging stack runs, read through a
 * `pulumi.StackReference` to staging's outputs, from prod's own ECR repository (which receives the image by ECR
 * cross-account replication: the digest is preserved).
 *
 *   staging outputs ── sourceSha, imageDigest, ranDigests ──► StackReference ──► decidePromotion ──► <prod ECR repo>@<digest>
 *
 * A digest staging has not run (a `berth:promotion.digest` pin or a `berth:deploySha` rollback to an image staging
 * is not running) is refused with a clear error, unless `berth:promotion.allowUnpromotedDigest: true` is set: the
 * documented emergency override, which logs a loud warning on every run while it is set.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { Settings } from "./config";

/** What a promoted release gives the rest of the stack (the same shape as infra/image.ts `ImageRelease`). */
export interface PromotedRelease {
  sha: pulumi.Output<string>;
  digest: pulumi.Output<string>;
  /** `<acct>.dkr.ecr.<region>.amazonaws.com/<name>@sha256:...`: what ECS runs. */
  ecrDigestRef: pulumi.Output<string>;
  refs: Record<string, pulumi.Output<string>>;
}

/** The outputs a stack exports for the stacks that promote from it. */
export interface PromotionSourceOutputs {
  sourceSha: unknown;
  imageDigest: unknown;
  /** The digests the source stack has run (bounded; today: the one it runs now). */
  ranDigests?: unknown;
}

export const PROMOTION_OVERRIDE_KEY = "berth:promotion.allowUnpromotedDigest";
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const SHA = /^[0-9a-f]{40}$/;

export class PromotionRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PromotionRefused";
  }
}

export interface PromotionRequest {
  fromStack: string;
  source: PromotionSourceOutputs;
  /** A digest this stack was asked to deploy instead of the source's current one, and where the request came from. */
  requested?: { digest: string; origin: string };
  allowUnpromotedDigest: boolean;
}

export interface PromotionDecision {
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
  const ran = new Set<string>([current, ...(Array.isArray(r.source.ranDigests) ? r.source.ranDigests.filter((d): d is string => typeof d === "string") : [])]);
  if (!r.requested) return { digest: current, promoted: true };
  const wanted = r.requested.digest;
  if (!DIGEST.test(wanted)) throw new PromotionRefused(`Promotion refused: ${r.requested.origin} resolved to ${JSON.stringify(wanted)}, not an image digest sha256:<64 hex>.`);
  if (ran.has(wanted)) return { digest: wanted, promoted: true };
  if (r.allowUnpromotedDigest) {
    return {
      digest: wanted,
      promoted: false,
      warning:
        `EMERGENCY OVERRIDE (${PROMOTION_OVERRIDE_KEY}=true): deploying ${wanted} (${r.requested.origin}), which ${r.fromStack} has not run ` +
        `(it runs ${current}). Remove the override after the incident: pulumi config rm --path promotion.allowUnpromotedDigest -s <prod stack>.`,
    };
  }
  throw new PromotionRefused(
    `Promotion refused: ${r.requested.origin} asks for ${wanted}, which ${r.fromStack} has not run ` +
      `(it has run: ${[...ran].join(", ")}). Deploy it to staging first, or, in an emergency only, set ` +
      `${PROMOTION_OVERRIDE_KEY}: true (pulumi config set --path promotion.allowUnpromotedDigest true).`,
  );
}

/** Staging's side of the contract: the outputs prod reads. History is the current digest (rollbacks go through staging). */
export function promotionSourceOutputs(release: { sha: pulumi.Input<string>; digest: pulumi.Input<string> }) {
  const digest = pulumi.output(release.digest);
  return { sourceSha: pulumi.output(release.sha), imageDigest: digest, ranDigests: digest.apply((d) => [d]) };
}

export interface PromotedImageArgs {
  settings: Settings;
  /** Prod's own ECR repository URL (`<acct>.dkr.ecr.<region>.amazonaws.com/<name>`), the replication target. */
  ecrRepositoryUrl: pulumi.Input<string>;
  /** Its name, to resolve a `berth:deploySha` or pinned digest in it. */
  ecrRepositoryName: pulumi.Input<string>;
}

/** The prod release: staging's running digest (or an allowed pin), pulled from prod's own ECR repository. */
export function promotedImage(name: string, args: PromotedImageArgs, opts: { provider?: aws.Provider; parent?: pulumi.Resource } = {}): PromotedRelease {
  const promotion = args.settings.promotion;
  if (!promotion) throw new Error("promotedImage: the stack has no berth:promotion settings");
  const source = new pulumi.StackReference(name, { name: promotion.fromStack }, opts.parent ? { parent: opts.parent } : undefined);
  const sourceOutputs = pulumi
    .all([source.getOutput("sourceSha"), source.getOutput("imageDigest"), source.getOutput("ranDigests")])
    .apply(([sourceSha, imageDigest, ranDigests]): PromotionSourceOutputs => ({ sourceSha, imageDigest, ranDigests }));

  // A rollback SHA or a pinned digest is looked up in prod's own repository (replication keeps tags and digests).
  const deploySha = args.settings.image.deploySha;
  const lookup =
    deploySha || promotion.digest
      ? aws.ecr.getImageOutput(
          { repositoryName: args.ecrRepositoryName, ...(deploySha ? { imageTag: deploySha } : { imageDigest: promotion.digest }) },
          { provider: opts.provider, parent: opts.parent },
        )
      : undefined;
  const requested = lookup
    ? lookup.apply((image) => ({
        digest: image.imageDigest,
        sha: deploySha ?? image.imageTags.find((t) => SHA.test(t)),
        origin: deploySha ? `berth:deploySha=${deploySha}` : `berth:promotion.digest=${promotion.digest}`,
      }))
    : pulumi.output(undefined);

  const decision = pulumi.all([sourceOutputs, requested]).apply(([src, req]) => {
    let d: PromotionDecision;
    try {
      d = decidePromotion({
        fromStack: promotion.fromStack,
        source: src,
        requested: req ? { digest: req.digest, origin: req.origin } : undefined,
        allowUnpromotedDigest: promotion.allowUnpromotedDigest,
      });
    } catch (e) {
      // The engine prints this line as is; the resources that would run the digest are never registered.
      pulumi.log.error(e instanceof Error ? e.message : String(e));
      throw e;
    }
    if (d.warning) pulumi.log.warn(d.warning);
    const sha = req?.sha ?? (d.digest === src.imageDigest && typeof src.sourceSha === "string" ? src.sourceSha : "unknown");
    return { ...d, sha };
  });
  const digest = decision.digest;
  const ecrDigestRef = pulumi.interpolate`${args.ecrRepositoryUrl}@${digest}`;
  return { sha: decision.sha, digest, ecrDigestRef, refs: { ecr: ecrDigestRef } };
}
