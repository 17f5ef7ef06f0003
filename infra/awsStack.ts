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
import { FargateService, serviceOutputs } from "./fargateService";
import { promotedImage, promotionSourceOutputs } from "./promotion";
import { Delivery } from "./delivery";

export function awsStack(settings: Settings) {
  // H3: providers with default tags, ECR, Artifact Registry, GHCR push, the image built once (or the rollback image).
  const providers = new CloudProviders("berth", { settings });
  const ecr = new EcrRepository("app", { settings }, { provider: providers.aws });
  const artifactRegistry = settings.artifactRegistry?.enabled
    ? new ArtifactRegistryRepository("app", { settings }, { provider: providers.gcp })
    : undefined;
  // H6: prod never builds: it promotes the digest staging runs (a deploySha rollback in prod is checked against it).
  const release: ImageRelease = settings.promotion
    ? promotedImage("promotion-source", { settings, ecrRepositoryUrl: ecr.repositoryUrl, ecrRepositoryName: ecr.repository.name }, { provider: providers.aws })
    : settings.image.deploySha
    ? new ExistingImage("image", { settings, ecr, sha: settings.image.deploySha }, { provider: providers.aws })
    : new AppImage("image", { settings, ecr, artifactRegistry }, { providers: [providers.aws, providers.gcp] });
  // H4b: network, cluster, load balancer.
  const network = new Network("network", { settings }, { provider: providers.aws });
  const cluster = new Cluster("cluster", { settings }, { provider: providers.aws });
  const loadBalancer = new LoadBalancer("alb", { settings, network }, { provider: providers.aws });
  // H4a: one FargateService per settings.services entry (sharing cluster, network, image, log retention);
  // only their execution roles may pull from the app repository.
  const services = settings.services.map(
    (service) =>
      new FargateService(service.name, { settings, service, image: release.ecrDigestRef, ecrRepositoryArn: ecr.repository.arn, cluster, network, loadBalancer }, { provider: providers.aws }),
  );
  // H6: delivery identity (OIDC roles, WIF pool, GitHub environment) of this stack's account, project and environment.
  const delivery = settings.delivery?.enabled
    ? new Delivery(
        "delivery",
        {
          settings,
          ecrRepositoryArns: [ecr.repository.arn, ...(ecr.cacheRepository ? [ecr.cacheRepository.arn] : [])],
          ecrRepositoryUrl: ecr.repositoryUrl,
          artifactRegistry: artifactRegistry && {
            repository: artifactRegistry.repository.repositoryId,
            location: artifactRegistry.repository.location,
            project: artifactRegistry.repository.project,
            url: artifactRegistry.registryUri,
          },
        },
        { providers: [providers.aws, providers.gcp] },
      )
    : undefined;
  // H3: only the services' execution roles and the deploy role (it pushes and checks images) may pull.
  ecr.grantPull("pull", [...services.map((s) => s.executionRole.arn), ...(delivery ? [delivery.deployRole.arn] : [])]);
  return {
    environment: settings.environment,
    imageTag: settings.source.tag,
    sourceDirty: settings.source.dirty,
    imageRefs: release.refs,
    ...promotionSourceOutputs(release), // H6: sourceSha, imageDigest, ranDigests: what prod promotes from
    deployRoleArn: delivery?.deployRole.arn,
    previewRoleArn: delivery?.previewRole?.arn,
    githubEnvironment: delivery?.environment.environment,
    imageDigestRef: release.ecrDigestRef,
    ecrRepositoryUrl: ecr.repositoryUrl,
    serviceUrl: loadBalancer.url,
    loadBalancerDnsName: loadBalancer.dnsName,
    clusterName: cluster.name,
    services: serviceOutputs(services),
    vpcId: network.vpcId,
    warnings: [...network.warnings, ...cluster.warnings, ...loadBalancer.warnings, ...services.flatMap((s) => s.warnings), ...(release instanceof AppImage ? release.warnings : [])],
  };
}
