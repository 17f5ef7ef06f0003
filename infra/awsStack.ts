/**
 * The AWS path, in the order of the architecture diagram. Each step is one component; this file only wires them.
 * Helpers add their component's lines here, keeping this a short composition root.
 */
import type { Settings } from "./config";
import { Network } from "./network";
import { Cluster } from "./cluster";
import { LoadBalancer } from "./loadBalancer";

export function awsStack(settings: Settings) {
  // H3: providers with default tags, ECR, Artifact Registry, GHCR push, the image built once (or the rollback image).
  // H4b: network, cluster, load balancer (pass the H3 aws provider as `{ provider: providers.aws }` once it exists).
  const network = new Network("network", { settings });
  const cluster = new Cluster("cluster", { settings });
  const loadBalancer = new LoadBalancer("alb", { settings, network });
  // H4a: one FargateService per settings.services entry.
  // H6: delivery identity (OIDC roles, WIF, GitHub environments) and promotion.
  return {
    environment: settings.environment,
    sourceSha: settings.source.sha,
    serviceUrl: loadBalancer.url,
    loadBalancerDnsName: loadBalancer.dnsName,
    clusterName: cluster.name,
    vpcId: network.vpcId,
    warnings: [...loadBalancer.warnings],
  };
}
