import type { ProviderResourceFacts } from "../facts";

/**
 * Facts of the provider's Application Auto Scaling resources (hashicorp/terraform-provider-aws
 * internal/service/appautoscaling/). The stored index serves one version of each file; the commit each was read at:
 *   internal/service/appautoscaling/target.go   0105d2191ae7e43ba37ba011b916843eddf361ed (aws-sdk-go-v2)
 *   internal/service/appautoscaling/policy.go   048320e88399c508ae6481be5d8ef6fd6f71a9f6 (an old aws-sdk-go v1
 *     revision; e33a89d079930e92c79a986c9c041c5ed5191639 is older still. @pulumi/aws 7.48.0's PolicyArgs also has
 *     predictiveScalingPolicyConfiguration, absent there: the facts below are the ones that revision states, and
 *     the calls are its operations, which a newer revision may have extended)
 * Tags: aws_appautoscaling_target is `@Tags(identifierAttribute="arn")`: tags on create (RegisterScalableTarget), read
 * and updated by the tagging interceptor with the generator's default operations (ListTagsForResource, TagResource,
 * UntagResource). The policy has no tags.
 * Not encoded: customized_metric_specification.statistic's StringInSlice over the SDK's MetricStatistic values (not
 * read), and the policy's retries (RetryableError on FailedResourceAccessException and ObjectNotFoundException).
 */
const POLICY = "internal/service/appautoscaling/policy.go";
const TARGET = "internal/service/appautoscaling/target.go";
const TRACKING = "targetTrackingScalingPolicyConfiguration";

export const FACTS: ProviderResourceFacts[] = [
  {
    // aws_appautoscaling_policy. target_tracking_scaling_policy_configuration (MaxItems 1) -> an object:
    // targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification (MaxItems 1) -> an object too.
    type: "aws:appautoscaling/policy:Policy",
    files: [POLICY],
    constraints: [
      { kind: "length", path: "name", min: 0, max: 255, source: `${POLICY} name StringLenBetween(0, 255)` },
      { kind: "required", path: "resourceId", source: `${POLICY} resource_id Required` },
      { kind: "required", path: "scalableDimension", source: `${POLICY} scalable_dimension Required` },
      { kind: "required", path: "serviceNamespace", source: `${POLICY} service_namespace Required` },
      {
        kind: "conflictsWith",
        path: `${TRACKING}.customizedMetricSpecification`,
        with: [`${TRACKING}.predefinedMetricSpecification`],
        source: `${POLICY} target_tracking_scaling_policy_configuration.customized_metric_specification.ConflictsWith`,
      },
      {
        kind: "conflictsWith",
        path: `${TRACKING}.predefinedMetricSpecification`,
        with: [`${TRACKING}.customizedMetricSpecification`],
        source: `${POLICY} target_tracking_scaling_policy_configuration.predefined_metric_specification.ConflictsWith`,
      },
      {
        kind: "required",
        path: `${TRACKING}.targetValue`,
        source: `${POLICY} target_tracking_scaling_policy_configuration.target_value Required`,
      },
      {
        kind: "required",
        path: `${TRACKING}.predefinedMetricSpecification.predefinedMetricType`,
        source: `${POLICY} target_tracking_scaling_policy_configuration.predefined_metric_specification.predefined_metric_type Required`,
      },
      {
        kind: "length",
        path: `${TRACKING}.predefinedMetricSpecification.resourceLabel`,
        min: 0,
        max: 1023,
        source: `${POLICY} target_tracking_scaling_policy_configuration.predefined_metric_specification.resource_label StringLenBetween(0, 1023)`,
      },
      {
        kind: "required",
        path: `${TRACKING}.customizedMetricSpecification.metricName`,
        source: `${POLICY} target_tracking_scaling_policy_configuration.customized_metric_specification.metric_name Required`,
      },
      {
        kind: "required",
        path: `${TRACKING}.customizedMetricSpecification.namespace`,
        source: `${POLICY} target_tracking_scaling_policy_configuration.customized_metric_specification.namespace Required`,
      },
      {
        kind: "required",
        path: `${TRACKING}.customizedMetricSpecification.statistic`,
        source: `${POLICY} target_tracking_scaling_policy_configuration.customized_metric_specification.statistic Required`,
      },
    ],
    calls: {
      // resourcePolicyCreate / Update: PutScalingPolicy (retried), then Read (getPolicy: DescribeScalingPolicies).
      // resourcePolicyDelete: getPolicy first, then DeleteScalingPolicy.
      create: ["application-autoscaling:PutScalingPolicy", "application-autoscaling:DescribeScalingPolicies"],
      read: ["application-autoscaling:DescribeScalingPolicies"],
      update: ["application-autoscaling:PutScalingPolicy", "application-autoscaling:DescribeScalingPolicies"],
      delete: ["application-autoscaling:DescribeScalingPolicies", "application-autoscaling:DeleteScalingPolicy"],
    },
  },
  {
    // aws_appautoscaling_target.
    type: "aws:appautoscaling/target:Target",
    files: [TARGET],
    constraints: [
      { kind: "required", path: "maxCapacity", source: `${TARGET} max_capacity Required` },
      { kind: "required", path: "minCapacity", source: `${TARGET} min_capacity Required` },
      { kind: "required", path: "resourceId", source: `${TARGET} resource_id Required` },
      { kind: "required", path: "scalableDimension", source: `${TARGET} scalable_dimension Required` },
      { kind: "required", path: "serviceNamespace", source: `${TARGET} service_namespace Required` },
    ],
    calls: {
      // resourceTargetCreate: registerScalableTarget (RegisterScalableTarget, tags on create, retried), then Read:
      // FindTargetByThreePartKey (DescribeScalableTargets, paged) and the tags interceptor. Delete:
      // DeregisterScalableTarget, then RetryUntilNotFound(FindTargetByThreePartKey).
      create: [
        "application-autoscaling:RegisterScalableTarget",
        "application-autoscaling:DescribeScalableTargets",
        "application-autoscaling:ListTagsForResource",
      ],
      read: ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:ListTagsForResource"],
      update: [
        "application-autoscaling:RegisterScalableTarget",
        "application-autoscaling:TagResource",
        "application-autoscaling:UntagResource",
        "application-autoscaling:DescribeScalableTargets",
        "application-autoscaling:ListTagsForResource",
      ],
      delete: ["application-autoscaling:DeregisterScalableTarget", "application-autoscaling:DescribeScalableTargets"],
    },
  },
];
