/**
 * The AWS path, in the order of the architecture diagram. Each step is one component; this file only wires them.
 * Helpers add their component's lines here, keeping this a short composition root.
 */
import type { Settings } from "./config";
import { CloudProviders } from "./providers";
import { EcrRepository } from "./ecr";
import { ArtifactRegistryRepository } from "./artifactRegistry";
import { AppImage, ExistingImage, type ImageRelease } from "./image";
import { Network } from "./network";
import { Cluster } from "./cluster";
import { LoadBalancer } from "./loadBalancer";

export function awsStack(settings: Settings) {
  // H3: providers with default tags, ECR, Artifact Registry, GHCR push, the image built once (or the rollback image).
  const providers = new CloudProviders("berth", { settings });
  const ecr = new EcrRepository("app", { settings }, { provider: providers.aws });
  const artifactRegistry = settings.artifactRegistry?.enabled
    ? new ArtifactRegistryRepository("app", { settings }, { provider: providers.gcp })
    : undefined;
  // H6: `settings.promotion ? promotedImage(...) :` goes first (prod never builds).
  const release: ImageRelease = settings.image.deploySha
    ? new ExistingImage("image", { settings, ecr, sha: settings.image.deploySha }, { provider: providers.aws })
    : new AppImage("image", { settings, ecr, artifactRegistry }, { providers: [providers.aws, providers.gcp] });
  // H4b: network, cluster, load balancer (pass the H3 aws provider as `{ provider: providers.aws }` once it exists).
  const network = new Network("network", { settings }, { provider: providers.aws });
  const cluster = new Cluster("cluster", { settings }, { provider: providers.aws });
  const loadBalancer = new LoadBalancer("alb", { settings, network }, { provider: providers.aws });
  // H4a: one FargateService per settings.services entry.
  // H6: delivery identity (OIDC roles, WIF, GitHub environments) and promotion.
  return {
    environment: settings.environment,
    sourceSha: settings.source.sha,
    imageTag: settings.source.tag,
    sourceDirty: settings.source.dirty,
    imageRefs: release.refs,
    imageDigest: release.digest,
    imageDigestRef: release.ecrDigestRef,
    ecrRepositoryUrl: ecr.repositoryUrl,
    serviceUrl: loadBalancer.url,
    loadBalancerDnsName: loadBalancer.dnsName,
    clusterName: cluster.name,
    vpcId: network.vpcId,
    warnings: [...loadBalancer.warnings, ...(release instanceof AppImage ? release.warnings : [])],
  };
}
