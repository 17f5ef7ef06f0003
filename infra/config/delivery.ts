/** Delivery and promotion settings. Owner: delivery engineer (H6). */
export interface PromotionSettings {
  /** Fully qualified stack whose running digest this stack deploys, e.g. `organization/berth/staging`. */
  fromStack: string;
  /** Emergency override: deploy a digest the source stack has not run. Documented, loud. */
  allowUnpromotedDigest: boolean;
}

export interface DeliverySettings {
  enabled: boolean;
  requiredReviewers: string[];
}

import type { ConfigSection } from "./section";

// Minimal readers so the program runs end to end; H6 completes validation and defaults.
export function readPromotionSettings(s: ConfigSection): PromotionSettings | undefined {
  if (!s.has("fromStack")) {
    s.done();
    return undefined;
  }
  const out: PromotionSettings = {
    fromStack: s.requiredString("fromStack", { pattern: /^[\w.-]+\/[\w.-]+\/[\w.-]+$/, allowed: "a fully qualified stack name org/project/stack" }),
    allowUnpromotedDigest: s.boolean("allowUnpromotedDigest", false),
  };
  s.done();
  return out;
}

export function readDeliverySettings(s: ConfigSection): DeliverySettings {
  const out: DeliverySettings = {
    enabled: s.boolean("enabled", false),
    requiredReviewers: s.stringList("requiredReviewers", { default: [] }),
  };
  s.done();
  return out;
}
