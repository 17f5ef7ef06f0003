/**
 * The AWS path, in the order of the architecture diagram. Each step is one component; this file only wires them.
 */
import type { Settings } from "./config";
import { CloudProviders } from "./providers";
import { EcrRepository } from "./registries/ecr";
import { ArtifactRegistryRepository } from "./registries/artifactRegistry";
import { AppImage, ExistingImage, type ImageRelease } from "./registries/image";
import { Network } from "./network/network";
import { Cluster } from "./ecs/cluster";
import { LoadBalancer } from "./network/loadBalancer";
import { FargateService, serviceOutputs } from "./ecs/fargateService";
import { previousRanDigests, promotedImage, promotionSourceOutputs } from "./delivery/promotion";
import { Delivery } from "./delivery/delivery";
import { verifiedRelease } from "./rollout/verifiedRelease";
import { ServiceAlarms, containerInsightsOn } from "./observability/alarms";
import { StackNotifications } from "./observability/notifications";
import { StackDashboard } from "./observability/dashboard";

export function awsStack(settings: Settings) {
  // Registries: explicit providers (account pinning, default tags), ECR, Artifact Registry.
  const providers = new CloudProviders("berth", { settings });
  const ecr = new EcrRepository("app", { settings }, { provider: providers.aws });
  const artifactRegistry = settings.artifactRegistry?.enabled
    ? new ArtifactRegistryRepository("app", { settings }, { provider: providers.gcp })
    : undefined;
  // The image: prod never builds, it promotes the digest staging runs; `berth:deploySha` rolls back to an earlier
  // SHA's image; otherwise it is built once (tag = git SHA) and pushed to ECR, GHCR and Artifact Registry.
  const release: ImageRelease = settings.promotion
    ? promotedImage(
        "promotion-source",
        { settings, ecrRepositoryUrl: ecr.repositoryUrl, ecrRepositoryName: ecr.repository.name },
        { provider: providers.aws },
      )
    : settings.image.deploySha
      ? new ExistingImage("image", { settings, ecr, sha: settings.image.deploySha }, { provider: providers.aws })
      : new AppImage("image", { settings, ecr, artifactRegistry }, { providers: [providers.aws, providers.gcp] });
  // Network, cluster, load balancer.
  const network = new Network("network", { settings }, { provider: providers.aws });
  const cluster = new Cluster("cluster", { settings }, { provider: providers.aws });
  const loadBalancer = new LoadBalancer("alb", { settings, network }, { provider: providers.aws });
  // One SNS topic for the stack's alarms and ECS deployment events; each service's alarms, attached to its deployment.
  const notifications = new StackNotifications(
    "notifications",
    { settings, clusterName: cluster.name },
    { provider: providers.aws },
  );
  const alarms = settings.services.map(
    (service) =>
      new ServiceAlarms(
        `${service.name}-alarms`,
        {
          settings,
          service,
          clusterName: cluster.name,
          targetGroup: service.route ? loadBalancer.targetGroups[service.name] : undefined,
          // ECS swaps a traffic-shifting service's two target groups after each deployment: its alarms read both.
          alternateTargetGroup: loadBalancer.trafficShifts[service.name]?.alternateTargetGroup,
          loadBalancer: service.route ? loadBalancer.loadBalancer : undefined,
          topicArn: notifications.topicArn,
        },
        { provider: providers.aws },
      ),
  );
  // One Fargate service per `berth:services` entry, sharing the cluster, network, image and log retention.
  const services = settings.services.map(
    (service, i) =>
      new FargateService(
        service.name,
        {
          settings,
          service,
          image: release.ecrDigestRef,
          ecrRepositoryArn: ecr.repository.arn,
          cluster,
          network,
          loadBalancer,
          deploymentAlarms: { names: alarms[i]!.names, rollback: alarms[i]!.rollback, alarms: alarms[i] },
        },
        { provider: providers.aws },
      ),
  );
  new StackDashboard(
    "dashboard",
    {
      settings,
      clusterName: cluster.name,
      eventsLogGroupName: notifications.eventsLogGroupName,
      containerInsights: containerInsightsOn(settings),
      services: settings.services.map((service, i) => ({
        name: service.name,
        alarmNames: alarms[i]!.names,
        targetGroupArnSuffix: service.route ? loadBalancer.targetGroups[service.name]?.arnSuffix : undefined,
        alternateTargetGroupArnSuffix: loadBalancer.trafficShifts[service.name]?.alternateTargetGroup.arnSuffix,
        loadBalancerArnSuffix: service.route ? loadBalancer.loadBalancer.arnSuffix : undefined,
      })),
    },
    { provider: providers.aws },
  );
  // Delivery identity (OIDC roles, WIF pool, GitHub environment) of this stack's account, project and environment.
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
  // Only the services' execution roles and the deploy role (it pushes and checks images) may pull.
  ecr.grantPull("pull", [...services.map((s) => s.executionRole.arn), ...(delivery ? [delivery.deployRole.arn] : [])]);
  return {
    environment: settings.environment,
    imageTag: settings.source.tag,
    sourceDirty: settings.source.dirty,
    imageRefs: release.refs,
    // sourceSha, imageDigest, ranDigests: what prod promotes from, only once every service's rollout of the digest was
    // verified (a failed verification fails the `up` and leaves the previous outputs). A source stack (staging) keeps a
    // bounded history of the digests it ran, read from its own previous outputs; prod (no source) exports only what it runs.
    ...promotionSourceOutputs(
      verifiedRelease(
        release,
        services.map((s) => s.rollout),
      ),
      settings.promotion ? undefined : previousRanDigests("promotion-history"),
    ),
    deployRoleArn: delivery?.deployRole.arn,
    previewRoleArn: delivery?.previewRole?.arn,
    githubEnvironment: delivery?.environment.environment,
    imageDigestRef: release.ecrDigestRef,
    ecrRepositoryUrl: ecr.repositoryUrl,
    serviceUrl: loadBalancer.url,
    loadBalancerDnsName: loadBalancer.dnsName,
    clusterName: cluster.name,
    services: serviceOutputs(services),
    alarmTopicArn: notifications.topicArn,
    vpcId: network.vpcId,
    warnings: [
      ...network.warnings,
      ...cluster.warnings,
      ...loadBalancer.warnings,
      ...services.flatMap((s) => s.warnings),
      ...(release instanceof AppImage ? release.warnings : []),
    ],
  };
}
