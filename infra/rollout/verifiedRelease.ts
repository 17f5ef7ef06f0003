/**
 * The release a stack may promote: the image digest only once every service's rollout of it was verified
 * (`RolloutVerification`). Its outputs resolve from the verifications' outputs, so when a verification fails they
 * never resolve: `pulumi up` fails and the engine keeps the stack's previous `sourceSha`/`imageDigest`/`ranDigests`
 * (pulumi/pulumi#15754: on a failed update only the outputs that were updated change).
 */
import * as pulumi from "@pulumi/pulumi";

declare const verified: unique symbol;

/** Made only by `verifiedRelease`: `promotionSourceOutputs` (infra/delivery/promotion.ts) accepts nothing else. */
export interface VerifiedRelease {
  sha: pulumi.Output<string>;
  digest: pulumi.Output<string>;
  readonly [verified]: true;
}

/** What a verified rollout gives (the `RolloutVerification` resource fits). */
interface RolloutEvidence {
  serviceName: pulumi.Input<string>;
  digest: pulumi.Input<string>;
}

export function verifiedRelease(
  release: { sha: pulumi.Input<string>; digest: pulumi.Input<string> },
  rollouts: RolloutEvidence[],
): VerifiedRelease {
  if (rollouts.length === 0)
    throw new Error(
      "verifiedRelease: no service rollout verifies the release; a stack without services has nothing to promote",
    );
  const digest = pulumi
    .all([release.digest, pulumi.all(rollouts.map((r) => pulumi.all([r.serviceName, r.digest])))])
    .apply(([wanted, ran]) => {
      const other = ran.filter(([, d]) => d !== wanted);
      if (other.length) {
        throw new Error(
          `verifiedRelease: the release is ${wanted} but ${other.map(([s, d]) => `service ${s} verified ${d}`).join(", ")}`,
        );
      }
      return wanted;
    });
  const sha = pulumi.all([release.sha, digest]).apply(([s]) => s);
  return { sha, digest } as VerifiedRelease;
}
