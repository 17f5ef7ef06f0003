/**
 * The AWS path, in the order of the architecture diagram (infra/index.ts). Each step is one component, given its own
 * section of the settings and what it needs from the steps before; this file only wires them.
 */
import type { AwsStackSettings } from "./config";
import { CloudProviders } from "./providers";
import { AppImage, ArtifactRegistryRepository, EcrRepository, ExistingImage, type ImageRelease } from "./registries";
import { LoadBalancer, Network } from "./network";
import { Cluster, FargateService, serviceOutputs } from "./ecs";
import { Delivery, RoleBoundary, previousRanDigests, promotedImage, promotionSourceOutputs } from "./delivery";
import { verifiedRelease } from "./rollout";
import { ServiceAlarms, StackDashboard, StackNotifications, containerInsightsOn } from "./observability";

export function awsStack(settings: AwsStackSettings) {
  const { project, stack, environment, aws, gcp, github, image, source, logs, promotion } = settings;
  const named = { project, stack };

  // Registries: explicit providers (account pinning, default tags), ECR, Artifact Registry.
  const providers = new CloudProviders("berth", { aws, gcp, tags: settings.tags });
  const onAws = { provider: providers.aws };
  // The permissions boundary every workload role carries (what the deploy role may give a role is capped by it).
  const appStatements = settings.services.flatMap((s) => s.taskRole.statements);
  const permissionsBoundary = new RoleBoundary(
    "role-boundary",
    { aws, ...named, tags: settings.tags, appStatements },
    onAws,
  ).arn;
  const ecr = new EcrRepository("app", { ecr: settings.ecr, aws, imageName: image.name, stack, environment }, onAws);
  const artifactRegistry = settings.artifactRegistry.enabled
    ? new ArtifactRegistryRepository(
        "app",
        { artifactRegistry: settings.artifactRegistry, gcp, imageName: image.name, stack },
        { provider: providers.gcp },
      )
    : undefined;

  // The image: prod never builds, it promotes the digest staging runs; `berth:deploySha` rolls back to an earlier
  // SHA's image; otherwise it is built once (tag = git SHA) and pushed to ECR, GHCR and Artifact Registry.
  const release: ImageRelease = promotion
    ? promotedImage(
        "promotion-source",
        {
          promotion,
          deploySha: image.deploySha,
          ecrRepositoryUrl: ecr.repositoryUrl,
          ecrRepositoryName: ecr.repository.name,
        },
        onAws,
      )
    : image.deploySha
      ? new ExistingImage("image", { aws, imageName: image.name, ecr, sha: image.deploySha }, onAws)
      : new AppImage(
          "image",
          { image, source, build: settings.build, github, ghcr: settings.ghcr, aws, stack, ecr, artifactRegistry },
          { providers: [providers.aws, providers.gcp] },
        );

  // Network, cluster, load balancer.
  const network = new Network(
    "network",
    { network: settings.network, aws, logs, ...named, permissionsBoundary },
    onAws,
  );
  const cluster = new Cluster("cluster", { cluster: settings.cluster, aws, logs, ...named }, onAws);
  const loadBalancer = new LoadBalancer(
    "alb",
    {
      loadBalancer: settings.loadBalancer,
      services: settings.services,
      aws,
      environment,
      network,
      ...named,
      permissionsBoundary,
    },
    onAws,
  );

  // One SNS topic for the stack's alarms and ECS deployment events; each service's alarms, attached to its deployment.
  const notifications = new StackNotifications(
    "notifications",
    { notifications: settings.notifications, aws, logs, clusterName: cluster.name, ...named },
    onAws,
  );
  const alarms = settings.services.map(
    (service) =>
      new ServiceAlarms(
        `${service.name}-alarms`,
        {
          service,
          alarms: settings.alarms,
          cluster: settings.cluster,
          ...named,
          clusterName: cluster.name,
          targetGroup: service.route ? loadBalancer.targetGroups[service.name] : undefined,
          // ECS swaps a traffic-shifting service's two target groups after each deployment: its alarms read both.
          alternateTargetGroup: loadBalancer.trafficShifts[service.name]?.alternateTargetGroup,
          loadBalancer: service.route ? loadBalancer.loadBalancer : undefined,
          topicArn: notifications.topicArn,
        },
        onAws,
      ),
  );

  // One Fargate service per `berth:services` entry, sharing the cluster, network, image and log retention.
  const services = settings.services.map(
    (service, i) =>
      new FargateService(
        service.name,
        {
          service,
          aws,
          logs,
          environment,
          platform: image.platform,
          ...named,
          image: release.ecrDigestRef,
          ecrRepositoryArn: ecr.repository.arn,
          cluster,
          network,
          loadBalancer,
          deploymentAlarms: { names: alarms[i].names, rollback: alarms[i].rollback, alarms: alarms[i] },
          permissionsBoundary,
        },
        onAws,
      ),
  );
  new StackDashboard(
    "dashboard",
    {
      aws,
      ...named,
      clusterName: cluster.name,
      eventsLogGroupName: notifications.eventsLogGroupName,
      containerInsights: containerInsightsOn(settings.cluster),
      services: settings.services.map((service, i) => ({
        name: service.name,
        alarmNames: alarms[i].names,
        targetGroupArnSuffix: service.route ? loadBalancer.targetGroups[service.name]?.arnSuffix : undefined,
        alternateTargetGroupArnSuffix: loadBalancer.trafficShifts[service.name]?.alternateTargetGroup.arnSuffix,
        loadBalancerArnSuffix: service.route ? loadBalancer.loadBalancer.arnSuffix : undefined,
      })),
    },
    onAws,
  );

  // Delivery identity (OIDC roles, WIF pool, GitHub environment) of this stack's account, project and environment.
  const delivery = settings.delivery.enabled
    ? new Delivery(
        "delivery",
        {
          delivery: settings.delivery,
          aws,
          gcp,
          github,
          environment,
          ...named,
          tags: settings.tags,
          // A promoting stack (prod) never pushes: its CI only pulls.
          pushesImages: !promotion,
          ghcr: settings.ghcr,
          imageName: image.name,
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
    environment,
    imageTag: source.tag,
    sourceDirty: source.dirty,
    imageRefs: release.refs,
    // sourceSha, imageDigest, ranDigests: what prod promotes from, only once every service's rollout of the digest was
    // verified (a failed verification fails the `up` and leaves the previous outputs). A source stack (staging) keeps a
    // bounded history of the digests it ran, read from its own previous outputs; prod (no source) exports only what it runs.
    ...promotionSourceOutputs(
      verifiedRelease(
        release,
        services.map((s) => s.rollout),
      ),
      promotion ? undefined : previousRanDigests("promotion-history"),
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
      ...ecr.warnings,
      ...(artifactRegistry?.warnings ?? []),
      ...network.warnings,
      ...cluster.warnings,
      ...loadBalancer.warnings,
      ...services.flatMap((s) => s.warnings),
      ...(release instanceof AppImage ? release.warnings : []),
    ],
  };
}
