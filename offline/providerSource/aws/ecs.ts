import type { ProviderResourceFacts } from "../facts";

/**
 * Facts of the provider's ecs resources (hashicorp/terraform-provider-aws internal/service/ecs/), limited to the inputs
 * Berth sets (infra/ecs/cluster.ts, infra/ecs/fargateService.ts) and those that conflict with them.
 *
 * Versions read (the store holds several versions of each file; the tool named the commit where it gave one):
 * - service.go: the 2026 version with `deployment_configuration` (canary/linear), `sigint_rollback` and the
 *   deployment-status waiter (stored file id 5237802116, reached by its text; the tool gave no commit for it).
 * - task_definition.go: the version with `enable_fault_injection` (stored file id 4453944302, no commit given).
 * - cluster.go: commit 00a35305dc1b297a6fcdecdfbba33f1e63c3da39.
 * - cluster_capacity_providers.go: commit 0619e62a2f25aefdfc36b5c74a98d9f6dcc6d794 (an older, aws-sdk-go v1 version:
 *   the only one stored; its calls and schema may have moved since).
 * - Enum values: aws/aws-sdk-go-v2 service/ecs/types/enums.go at commit 085477dfd34530ca9d82c87dab5210aa167bac6f. That
 *   SDK is older than the provider's: its DeploymentStrategy has only ROLLING and BLUE_GREEN while service.go already
 *   uses DeploymentStrategyLinear/Canary, so the strategy enum is left out rather than written incomplete.
 *
 * Tags: every resource here has `@Tags(identifierAttribute=...)`; its Read sets the tags itself (`setTagsOut`), so the
 * SDKv2 transparent-tagging interceptor ("If the R handler didn't set tags, try and read them from the service API")
 * does not call ListTagsForResource; a tag change goes through updateTags (ecs:TagResource, ecs:UntagResource).
 * Tag-on-create is the Create call itself; createTags (ecs:TagResource) is the fallback where it is unsupported.
 * ARN validators (verify.ValidARN) are not listed: Berth passes ARNs that are other resources' outputs, unknown at
 * check time.
 */
export const FACTS: ProviderResourceFacts[] = [
  {
    // aws_ecs_cluster. Pulumi flattens the MaxItems:1 blocks: `configuration` -> configuration (object),
    // `execute_command_configuration` -> configuration.executeCommandConfiguration; the `setting` set -> settings[].
    // `name` is validated by validateClusterName, which was not read (not in cluster.go): left out.
    type: "aws:ecs/cluster:Cluster",
    files: ["internal/service/ecs/cluster.go"],
    constraints: [
      { kind: "required", path: "settings[].name", source: "internal/service/ecs/cluster.go setting.name" },
      { kind: "required", path: "settings[].value", source: "internal/service/ecs/cluster.go setting.value" },
      {
        kind: "oneOf",
        path: "settings[].name",
        values: ["containerInsights"],
        source: "internal/service/ecs/cluster.go setting.name enum.Validate[awstypes.ClusterSettingName]",
      },
      {
        kind: "oneOf",
        path: "configuration.executeCommandConfiguration.logging",
        values: ["NONE", "DEFAULT", "OVERRIDE"],
        source:
          "internal/service/ecs/cluster.go configuration.execute_command_configuration.logging enum.Validate[awstypes.ExecuteCommandLogging]",
      },
    ],
    calls: {
      // retryClusterCreate -> CreateCluster; waitClusterAvailable/statusCluster -> findClusterByNameOrARN -> DescribeClusters.
      create: ["ecs:CreateCluster", "ecs:DescribeClusters", "ecs:TagResource"],
      // resourceClusterRead -> findClusterByNameOrARN (DescribeClusters with TAGS, CONFIGURATIONS, SETTINGS).
      read: ["ecs:DescribeClusters"],
      // UpdateCluster on configuration/service_connect_defaults/setting, then waitClusterAvailable; tags: updateTags.
      update: ["ecs:UpdateCluster", "ecs:DescribeClusters", "ecs:TagResource", "ecs:UntagResource"],
      // DeleteCluster (retried while services/tasks remain), then waitClusterDeleted -> DescribeClusters.
      delete: ["ecs:DeleteCluster", "ecs:DescribeClusters"],
    },
  },
  {
    // aws_ecs_cluster_capacity_providers. `default_capacity_provider_strategy` (a set) -> defaultCapacityProviderStrategies[].
    // `cluster_name` is validated by validateClusterName (not read): left out. No @Tags on this resource.
    type: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    files: ["internal/service/ecs/cluster_capacity_providers.go"],
    constraints: [
      {
        kind: "required",
        path: "clusterName",
        source: "internal/service/ecs/cluster_capacity_providers.go cluster_name",
      },
      {
        kind: "required",
        path: "defaultCapacityProviderStrategies[].capacityProvider",
        source:
          "internal/service/ecs/cluster_capacity_providers.go default_capacity_provider_strategy.capacity_provider",
      },
      {
        kind: "range",
        path: "defaultCapacityProviderStrategies[].base",
        min: 0,
        max: 100000,
        source:
          "internal/service/ecs/cluster_capacity_providers.go default_capacity_provider_strategy.base validation.IntBetween(0, 100000)",
      },
      {
        kind: "range",
        path: "defaultCapacityProviderStrategies[].weight",
        min: 0,
        max: 1000,
        source:
          "internal/service/ecs/cluster_capacity_providers.go default_capacity_provider_strategy.weight validation.IntBetween(0, 1000)",
      },
    ],
    calls: {
      // Create and Update are the same Put: retryClusterCapacityProvidersPut, then waitClusterAvailable (cluster.go).
      create: ["ecs:PutClusterCapacityProviders", "ecs:DescribeClusters"],
      // FindClusterByNameOrARN -> DescribeClusters.
      read: ["ecs:DescribeClusters"],
      update: ["ecs:PutClusterCapacityProviders", "ecs:DescribeClusters"],
      // Delete puts empty lists, then waits for the cluster.
      delete: ["ecs:PutClusterCapacityProviders", "ecs:DescribeClusters"],
    },
  },
  {
    // aws_ecs_service. MaxItems:1 blocks become objects: alarms, deploymentCircuitBreaker, deploymentConfiguration
    // (.canaryConfiguration, .linearConfiguration), deploymentController, networkConfiguration,
    // loadBalancers[].advancedConfiguration; the `load_balancer` set -> loadBalancers[]. The bake times are strings
    // holding an integer (nullable.TypeNullableInt; Pulumi types them `string`): the range applies to that integer.
    // `timeouts` is not a Pulumi input: Berth's customTimeouts (create/update/delete = steadyStateTimeout) replace the
    // schema's defaults (Create/Update/Delete 20 minutes); no Check constraint applies to them.
    // Enums left out: `strategy` (SDK read is older than the provider, see above), `launch_type` (the stored SDK's
    // LaunchType may lack values the provider's SDK has; FARGATE is in it).
    type: "aws:ecs/service:Service",
    files: ["internal/service/ecs/service.go"],
    constraints: [
      { kind: "required", path: "name", source: "internal/service/ecs/service.go name Required" },
      { kind: "required", path: "alarms.alarmNames", source: "internal/service/ecs/service.go alarms.alarm_names" },
      { kind: "required", path: "alarms.enable", source: "internal/service/ecs/service.go alarms.enable" },
      { kind: "required", path: "alarms.rollback", source: "internal/service/ecs/service.go alarms.rollback" },
      {
        kind: "required",
        path: "deploymentCircuitBreaker.enable",
        source: "internal/service/ecs/service.go deployment_circuit_breaker.enable",
      },
      {
        kind: "required",
        path: "deploymentCircuitBreaker.rollback",
        source: "internal/service/ecs/service.go deployment_circuit_breaker.rollback",
      },
      {
        kind: "range",
        path: "deploymentConfiguration.bakeTimeInMinutes",
        min: 0,
        max: 1440,
        source:
          "internal/service/ecs/service.go deployment_configuration.bake_time_in_minutes nullable.ValidateTypeStringNullableIntBetween(0, 1440)",
      },
      {
        kind: "range",
        path: "deploymentConfiguration.canaryConfiguration.canaryPercent",
        min: 0.1,
        max: 100,
        source:
          "internal/service/ecs/service.go deployment_configuration.canary_configuration.canary_percent validation.FloatBetween(0.1, 100.0)",
      },
      {
        kind: "range",
        path: "deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes",
        min: 0,
        max: 1440,
        source:
          "internal/service/ecs/service.go deployment_configuration.canary_configuration.canary_bake_time_in_minutes nullable.ValidateTypeStringNullableIntBetween(0, 1440)",
      },
      {
        kind: "range",
        path: "deploymentConfiguration.linearConfiguration.stepPercent",
        min: 3,
        max: 100,
        source:
          "internal/service/ecs/service.go deployment_configuration.linear_configuration.step_percent validation.FloatBetween(3.0, 100.0)",
      },
      {
        kind: "range",
        path: "deploymentConfiguration.linearConfiguration.stepBakeTimeInMinutes",
        min: 0,
        max: 1440,
        source:
          "internal/service/ecs/service.go deployment_configuration.linear_configuration.step_bake_time_in_minutes nullable.ValidateTypeStringNullableIntBetween(0, 1440)",
      },
      {
        kind: "oneOf",
        path: "deploymentController.type",
        values: ["ECS", "CODE_DEPLOY", "EXTERNAL"],
        source:
          "internal/service/ecs/service.go deployment_controller.type enum.Validate[awstypes.DeploymentControllerType]",
      },
      {
        kind: "oneOf",
        path: "availabilityZoneRebalancing",
        values: ["ENABLED", "DISABLED"],
        source:
          "internal/service/ecs/service.go availability_zone_rebalancing enum.Validate[awstypes.AvailabilityZoneRebalancing]",
      },
      {
        kind: "oneOf",
        path: "propagateTags",
        values: ["TASK_DEFINITION", "SERVICE", "NONE"],
        source: "internal/service/ecs/service.go propagate_tags enum.Validate[awstypes.PropagateTags]",
      },
      {
        kind: "oneOf",
        path: "schedulingStrategy",
        values: ["REPLICA", "DAEMON"],
        source: "internal/service/ecs/service.go scheduling_strategy enum.Validate[awstypes.SchedulingStrategy]",
      },
      {
        kind: "range",
        path: "healthCheckGracePeriodSeconds",
        min: 0,
        max: 2147483647,
        source:
          "internal/service/ecs/service.go health_check_grace_period_seconds validation.IntBetween(0, math.MaxInt32)",
      },
      {
        kind: "required",
        path: "loadBalancers[].containerName",
        source: "internal/service/ecs/service.go load_balancer.container_name",
      },
      {
        kind: "required",
        path: "loadBalancers[].containerPort",
        source: "internal/service/ecs/service.go load_balancer.container_port",
      },
      {
        kind: "range",
        path: "loadBalancers[].containerPort",
        min: 0,
        max: 65536,
        source: "internal/service/ecs/service.go load_balancer.container_port validation.IntBetween(0, 65536)",
      },
      {
        kind: "required",
        path: "loadBalancers[].advancedConfiguration.alternateTargetGroupArn",
        source: "internal/service/ecs/service.go load_balancer.advanced_configuration.alternate_target_group_arn",
      },
      {
        kind: "required",
        path: "loadBalancers[].advancedConfiguration.productionListenerRule",
        source: "internal/service/ecs/service.go load_balancer.advanced_configuration.production_listener_rule",
      },
      {
        kind: "required",
        path: "loadBalancers[].advancedConfiguration.roleArn",
        source: "internal/service/ecs/service.go load_balancer.advanced_configuration.role_arn",
      },
      {
        kind: "required",
        path: "networkConfiguration.subnets",
        source: "internal/service/ecs/service.go network_configuration.subnets",
      },
    ],
    calls: {
      // retryServiceCreate -> CreateService (tags on create); wait_for_steady_state is true in Berth, so
      // waitServiceStable -> statusServiceWaitForStable: statusService -> findServiceNoTagsByTwoPartKey
      // (DescribeServices); for a new PRIMARY deployment under the ECS controller, findPrimaryDeploymentARN
      // (listServiceDeploymentsPages -> ListServiceDeployments) and findDeploymentStatus (DescribeServiceDeployments),
      // hashicorp/terraform-provider-aws#43434. StopServiceDeployment runs only with sigint_rollback, which Berth does
      // not set: left out. createTags (TagResource) is the fallback where tag-on-create is unsupported.
      create: [
        "ecs:CreateService",
        "ecs:DescribeServices",
        "ecs:ListServiceDeployments",
        "ecs:DescribeServiceDeployments",
        "ecs:TagResource",
      ],
      // findServiceByTwoPartKeyWaitForActive -> findServiceByTwoPartKey -> DescribeServices (Include TAGS).
      read: ["ecs:DescribeServices"],
      // UpdateService (retried on IAM propagation), then waitServiceStable as on create; tags: updateTags.
      update: [
        "ecs:UpdateService",
        "ecs:DescribeServices",
        "ecs:ListServiceDeployments",
        "ecs:DescribeServiceDeployments",
        "ecs:TagResource",
        "ecs:UntagResource",
      ],
      // findServiceNoTagsByTwoPartKey; UpdateService to desired count 0 (drain, unless force_delete); DeleteService;
      // waitServiceInactive -> DescribeServices.
      delete: ["ecs:DescribeServices", "ecs:UpdateService", "ecs:DeleteService"],
    },
  },
  {
    // aws_ecs_task_definition. `container_definitions` is a JSON string: Check only runs
    // validTaskDefinitionContainerDefinitions, which parses it (expandContainerDefinitions); what is inside (names,
    // images, limits, log options...) is validated by the ECS API at RegisterTaskDefinition, not by Check, and no fact
    // here stands for it. `runtime_platform` (MaxItems:1) -> runtimePlatform; the `volume` set -> volumes[].
    // `cpu` and `memory` are plain strings in the schema (no validator).
    type: "aws:ecs/taskDefinition:TaskDefinition",
    files: ["internal/service/ecs/task_definition.go"],
    constraints: [
      {
        kind: "required",
        path: "containerDefinitions",
        source: "internal/service/ecs/task_definition.go container_definitions Required",
      },
      { kind: "required", path: "family", source: "internal/service/ecs/task_definition.go family Required" },
      {
        kind: "length",
        path: "family",
        min: 1,
        max: 255,
        source: "internal/service/ecs/task_definition.go family validation.StringLenBetween(1, 255)",
      },
      {
        kind: "pattern",
        path: "family",
        pattern: "^[0-9A-Za-z_-]+$",
        source: "internal/service/ecs/task_definition.go family validation.StringMatch",
      },
      {
        kind: "oneOf",
        path: "networkMode",
        values: ["bridge", "host", "awsvpc", "none"],
        source: "internal/service/ecs/task_definition.go network_mode enum.Validate[awstypes.NetworkMode]",
      },
      {
        kind: "oneOf",
        path: "requiresCompatibilities[]",
        values: ["EC2", "FARGATE", "EXTERNAL"],
        source: "internal/service/ecs/task_definition.go requires_compatibilities validation.StringInSlice",
      },
      {
        kind: "oneOf",
        path: "runtimePlatform.cpuArchitecture",
        values: ["X86_64", "ARM64"],
        source:
          "internal/service/ecs/task_definition.go runtime_platform.cpu_architecture enum.Validate[awstypes.CPUArchitecture]",
      },
      {
        kind: "oneOf",
        path: "runtimePlatform.operatingSystemFamily",
        values: [
          "WINDOWS_SERVER_2019_FULL",
          "WINDOWS_SERVER_2019_CORE",
          "WINDOWS_SERVER_2016_FULL",
          "WINDOWS_SERVER_2004_CORE",
          "WINDOWS_SERVER_2022_CORE",
          "WINDOWS_SERVER_2022_FULL",
          "WINDOWS_SERVER_2025_CORE",
          "WINDOWS_SERVER_2025_FULL",
          "WINDOWS_SERVER_20H2_CORE",
          "LINUX",
        ],
        source:
          "internal/service/ecs/task_definition.go runtime_platform.operating_system_family enum.Validate[awstypes.OSFamily]",
      },
      {
        kind: "required",
        path: "volumes[].name",
        source: "internal/service/ecs/task_definition.go volume.name Required",
      },
    ],
    calls: {
      // RegisterTaskDefinition (tags on create); createTags fallback; then Read.
      create: ["ecs:RegisterTaskDefinition", "ecs:TagResource", "ecs:DescribeTaskDefinition"],
      // findTaskDefinitionByFamilyOrARN -> DescribeTaskDefinition (Include TAGS).
      read: ["ecs:DescribeTaskDefinition"],
      // Every other input is ForceNew: an update is tags only (updateTags), then Read.
      update: ["ecs:TagResource", "ecs:UntagResource", "ecs:DescribeTaskDefinition"],
      // DeregisterTaskDefinition (skipped with skip_destroy, which Berth does not set).
      delete: ["ecs:DeregisterTaskDefinition"],
    },
  },
];
