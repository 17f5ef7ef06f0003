/**
 * The AWS path, in the order of the architecture diagram. Each step is one component; this file only wires them.
 * Helpers add their component's lines here, keeping this a short composition root.
 */
import type { Settings } from "./config";

export function awsStack(settings: Settings) {
  // H3: providers with default tags, ECR, Artifact Registry, GHCR push, the image built once (or the rollback image).
  // H4b: network, cluster, load balancer.
  // H4a: one FargateService per settings.services entry.
  // H6: delivery identity (OIDC roles, WIF, GitHub environments) and promotion.
  return {
    environment: settings.environment,
    sourceSha: settings.source.sha,
  };
}
