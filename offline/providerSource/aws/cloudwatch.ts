import type { ProviderResourceFacts } from "../facts";

/**
 * Facts of the provider's CloudWatch, CloudWatch Logs and EventBridge resources (hashicorp/terraform-provider-aws
 * internal/service/cloudwatch/, internal/service/logs/, internal/service/events/). The stored index serves one version
 * of each file; the commit each was read at:
 *   internal/service/cloudwatch/metric_alarm.go   055611a654738da73e7b1e2b5d2b7672c6d4d531
 *   internal/service/cloudwatch/consts.go         2a1e12910f9a6f0456bc9f34a62292ce0ab6570d
 *   internal/service/cloudwatch/dashboard.go      0620f2a6a126dfcbc4aecbc9a117b0fbea1656ff
 *   internal/service/cloudwatch/generate.go       1a50548d490503a4596a7f035375bbc15ba0e4a3
 *   internal/service/logs/group.go                0073593e7d6993ba482409f4dc35438daaa79bb3
 *   internal/service/logs/resource_policy.go      00a35305dc1b297a6fcdecdfbba33f1e63c3da39
 *   internal/service/logs/generate.go             1159b3eea081d185a8ebf854c62bcace064cf235
 *   internal/service/events/rule.go               0cdab4ae09a963535e03dde0bff4784afe8e3517
 *   internal/service/events/target.go             0762c41e2027fcd3cb8340d3e6886c6975fc0a59
 * Tags: a resource marked `@Tags(identifierAttribute="arn")` is tagged on create in its create call and read and
 * updated by the provider's tagging interceptor through the service's generated listTags/updateTags, whose operations
 * are the generator's defaults (ListTagsForResource, TagResource, UntagResource) unless generate.go names others:
 * cloudwatch/generate.go and logs/generate.go (its first `tags` line, the one the `arn` identifier uses) name none.
 * The partition fallback (createTags after create where tag-on-create is unsupported, e.g. ISO) is not reached in
 * the commercial partition and is left out.
 * Not encoded: enum validators whose values live in the AWS SDK (`enum.Validate[types.ComparisonOperator]`,
 * `types.Statistic`, `types.StandardUnit`, `types.LogGroupClass`), `validation.Any(IntInSlice, IntDivisibleBy(60))` on
 * periods (no constraint kind of facts.ts says "divisible by"), validDashboardName, validLogGroupName,
 * validateRuleName (events/validate.go, not read), StringIsJSON, and the CustomizeDiff rule "one of `statistic` or
 * `extended_statistic` must be set" when `metric_name` is (conditional, no kind for it).
 */
const METRIC_ALARM = "internal/service/cloudwatch/metric_alarm.go";
const EXTENDED_STATISTIC =
  "^((p|(tm)|(wm)|(tc)|(ts))((\\d{1,2}(\\.\\d{1,2})?)|(100))|(IQM)|(((TM)|(WM)|(PR)|(TC)|(TS)))\\((\\d+(\\.\\d+)?%?)?:(\\d+(\\.\\d+)?%?)?\\))$";

export const FACTS: ProviderResourceFacts[] = [
  {
    // aws_cloudwatch_metric_alarm. Pulumi names: alarm_name -> name, metric_query -> metricQueries (a set of blocks),
    // metric_query.metric (MaxItems 1) -> metricQueries[].metric (an object), ok_actions -> okActions.
    // The NOTE of node_modules/@pulumi/aws/cloudwatch/metricAlarm.d.ts says the same: with a metricQuery, no
    // metricName, namespace, period or statistic. @pulumi/aws 7.48.0 also has evaluationCriteria,
    // evaluationInterval and warmUpConfiguration, absent from the metric_alarm.go read (the wrapped provider is newer).
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    files: [METRIC_ALARM, "internal/service/cloudwatch/consts.go", "internal/service/cloudwatch/generate.go"],
    constraints: [
      {
        kind: "conflictsWith",
        path: "period",
        with: ["metricQueries"],
        source: `${METRIC_ALARM} period.ConflictsWith`,
      },
      {
        kind: "conflictsWith",
        path: "metricName",
        with: ["metricQueries"],
        source: `${METRIC_ALARM} metric_name.ConflictsWith`,
      },
      {
        kind: "conflictsWith",
        path: "metricQueries",
        with: ["metricName"],
        source: `${METRIC_ALARM} metric_query.ConflictsWith`,
      },
      {
        kind: "conflictsWith",
        path: "namespace",
        with: ["metricQueries"],
        source: `${METRIC_ALARM} namespace.ConflictsWith`,
      },
      {
        kind: "conflictsWith",
        path: "statistic",
        with: ["extendedStatistic", "metricQueries"],
        source: `${METRIC_ALARM} statistic.ConflictsWith`,
      },
      {
        kind: "conflictsWith",
        path: "extendedStatistic",
        with: ["statistic", "metricQueries"],
        source: `${METRIC_ALARM} extended_statistic.ConflictsWith`,
      },
      {
        kind: "conflictsWith",
        path: "dimensions",
        with: ["metricQueries"],
        source: `${METRIC_ALARM} dimensions.ConflictsWith`,
      },
      {
        kind: "conflictsWith",
        path: "threshold",
        with: ["thresholdMetricId"],
        source: `${METRIC_ALARM} threshold.ConflictsWith`,
      },
      {
        kind: "conflictsWith",
        path: "thresholdMetricId",
        with: ["threshold"],
        source: `${METRIC_ALARM} threshold_metric_id.ConflictsWith`,
      },
      // CustomizeDiff (runs at plan, before any API call): "No metric_query may have both `expression` and a `metric`".
      {
        kind: "conflictsWith",
        path: "metricQueries[].expression",
        with: ["metricQueries[].metric"],
        source: `${METRIC_ALARM} CustomizeDiff`,
      },
      { kind: "length", path: "name", min: 1, max: 255, source: `${METRIC_ALARM} alarm_name StringLenBetween(1, 255)` },
      {
        kind: "length",
        path: "alarmDescription",
        min: 0,
        max: 1024,
        source: `${METRIC_ALARM} alarm_description StringLenBetween(0, 1024)`,
      },
      { kind: "range", path: "evaluationPeriods", min: 1, source: `${METRIC_ALARM} evaluation_periods IntAtLeast(1)` },
      { kind: "range", path: "datapointsToAlarm", min: 1, source: `${METRIC_ALARM} datapoints_to_alarm IntAtLeast(1)` },
      {
        kind: "length",
        path: "metricName",
        min: 1,
        max: 255,
        source: `${METRIC_ALARM} metric_name StringLenBetween(1, 255)`,
      },
      {
        kind: "length",
        path: "namespace",
        min: 1,
        max: 255,
        source: `${METRIC_ALARM} namespace StringLenBetween(1, 255)`,
      },
      { kind: "pattern", path: "namespace", pattern: "[^:].*", source: `${METRIC_ALARM} namespace StringMatch` },
      {
        kind: "pattern",
        path: "extendedStatistic",
        pattern: EXTENDED_STATISTIC,
        source: `${METRIC_ALARM} extended_statistic StringMatch`,
      },
      {
        kind: "length",
        path: "thresholdMetricId",
        min: 1,
        max: 255,
        source: `${METRIC_ALARM} threshold_metric_id StringLenBetween(1, 255)`,
      },
      {
        kind: "oneOf",
        path: "evaluateLowSampleCountPercentiles",
        values: ["evaluate", "ignore"],
        ignoreCase: true,
        source: `${METRIC_ALARM} evaluate_low_sample_count_percentiles StringInSlice(lowSampleCountPercentiles_Values(), true) (consts.go)`,
      },
      {
        kind: "oneOf",
        path: "treatMissingData",
        values: ["breaching", "ignore", "missing", "notBreaching"],
        ignoreCase: true,
        source: `${METRIC_ALARM} treat_missing_data StringInSlice(missingData_Values(), true) (consts.go)`,
      },
      { kind: "length", path: "okActions", max: 5, source: `${METRIC_ALARM} ok_actions MaxItems` },
      {
        kind: "length",
        path: "insufficientDataActions",
        max: 5,
        source: `${METRIC_ALARM} insufficient_data_actions MaxItems`,
      },
      { kind: "required", path: "metricQueries[].id", source: `${METRIC_ALARM} metric_query.id Required` },
      {
        kind: "length",
        path: "metricQueries[].id",
        min: 1,
        max: 255,
        source: `${METRIC_ALARM} metric_query.id StringLenBetween(1, 255)`,
      },
      {
        kind: "length",
        path: "metricQueries[].expression",
        min: 1,
        max: 1024,
        source: `${METRIC_ALARM} metric_query.expression StringLenBetween(1, 1024)`,
      },
      {
        kind: "length",
        path: "metricQueries[].accountId",
        min: 1,
        max: 255,
        source: `${METRIC_ALARM} metric_query.account_id StringLenBetween(1, 255)`,
      },
      {
        kind: "required",
        path: "metricQueries[].metric.metricName",
        source: `${METRIC_ALARM} metric_query.metric.metric_name Required`,
      },
      {
        kind: "length",
        path: "metricQueries[].metric.metricName",
        min: 1,
        max: 255,
        source: `${METRIC_ALARM} metric_query.metric.metric_name StringLenBetween(1, 255)`,
      },
      {
        kind: "length",
        path: "metricQueries[].metric.namespace",
        min: 1,
        max: 255,
        source: `${METRIC_ALARM} metric_query.metric.namespace StringLenBetween(1, 255)`,
      },
      {
        kind: "pattern",
        path: "metricQueries[].metric.namespace",
        pattern: "[^:].*",
        source: `${METRIC_ALARM} metric_query.metric.namespace StringMatch`,
      },
      {
        kind: "required",
        path: "metricQueries[].metric.period",
        source: `${METRIC_ALARM} metric_query.metric.period Required`,
      },
      {
        kind: "required",
        path: "metricQueries[].metric.stat",
        source: `${METRIC_ALARM} metric_query.metric.stat Required`,
      },
    ],
    calls: {
      // resourceMetricAlarmCreate: findMetricAlarmByName (DescribeAlarms) refuses an existing alarm, PutMetricAlarm
      // (tags on create), then Read.
      create: ["cloudwatch:DescribeAlarms", "cloudwatch:PutMetricAlarm", "cloudwatch:ListTagsForResource"],
      read: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
      update: [
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:TagResource",
        "cloudwatch:UntagResource",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:ListTagsForResource",
      ],
      delete: ["cloudwatch:DeleteAlarms"],
    },
  },
  {
    // aws_cloudwatch_dashboard (no tags in this schema nor in @pulumi/aws 7.48.0's DashboardArgs).
    type: "aws:cloudwatch/dashboard:Dashboard",
    files: ["internal/service/cloudwatch/dashboard.go"],
    constraints: [
      {
        kind: "required",
        path: "dashboardBody",
        source: "internal/service/cloudwatch/dashboard.go dashboard_body Required",
      },
      {
        kind: "required",
        path: "dashboardName",
        source: "internal/service/cloudwatch/dashboard.go dashboard_name Required",
      },
    ],
    calls: {
      // resourceDashboardPut (create and update): PutDashboard, then Read (findDashboardByName: GetDashboard).
      create: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard"],
      read: ["cloudwatch:GetDashboard"],
      update: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard"],
      delete: ["cloudwatch:DeleteDashboards"],
    },
  },
  {
    // aws_cloudwatch_log_group. @pulumi/aws 7.48.0 also has deletionProtectionEnabled, absent from the group.go read.
    type: "aws:cloudwatch/logGroup:LogGroup",
    files: ["internal/service/logs/group.go", "internal/service/logs/generate.go"],
    constraints: [
      {
        kind: "conflictsWith",
        path: "name",
        with: ["namePrefix"],
        source: "internal/service/logs/group.go name.ConflictsWith",
      },
      {
        kind: "conflictsWith",
        path: "namePrefix",
        with: ["name"],
        source: "internal/service/logs/group.go name_prefix.ConflictsWith",
      },
      {
        kind: "oneOf",
        path: "retentionInDays",
        values: [
          0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
        ],
        source: "internal/service/logs/group.go retention_in_days IntInSlice",
      },
    ],
    calls: {
      // resourceGroupCreate: CreateLogGroup (tags on create), PutRetentionPolicy when retention_in_days is set (Berth
      // always sets it), then Read (findLogGroupByName: DescribeLogGroups) and the tags interceptor.
      create: ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DescribeLogGroups", "logs:ListTagsForResource"],
      read: ["logs:DescribeLogGroups", "logs:ListTagsForResource"],
      // resourceGroupUpdate: retention set or removed, KMS key associated or disassociated, tags.
      update: [
        "logs:PutRetentionPolicy",
        "logs:DeleteRetentionPolicy",
        "logs:AssociateKmsKey",
        "logs:DisassociateKmsKey",
        "logs:TagResource",
        "logs:UntagResource",
        "logs:DescribeLogGroups",
        "logs:ListTagsForResource",
      ],
      delete: ["logs:DeleteLogGroup"],
    },
  },
  {
    // aws_cloudwatch_log_resource_policy. policy_name / resource_arn -> policyName / resourceArn.
    type: "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
    files: ["internal/service/logs/resource_policy.go"],
    constraints: [
      {
        kind: "exactlyOneOf",
        paths: ["policyName", "resourceArn"],
        source: "internal/service/logs/resource_policy.go policy_name.ExactlyOneOf",
      },
      {
        kind: "conflictsWith",
        path: "policyName",
        with: ["resourceArn"],
        source: "internal/service/logs/resource_policy.go policy_name.ConflictsWith",
      },
      {
        kind: "conflictsWith",
        path: "resourceArn",
        with: ["policyName"],
        source: "internal/service/logs/resource_policy.go resource_arn.ConflictsWith",
      },
      {
        kind: "required",
        path: "policyDocument",
        source: "internal/service/logs/resource_policy.go policy_document IAMPolicyDocumentSchemaRequired",
      },
    ],
    calls: {
      // resourceResourcePolicyPut (create, update): PutResourcePolicy, then Read (findResourcePolicyByName or
      // ByResourceARN: DescribeResourcePolicies, paged).
      create: ["logs:PutResourcePolicy", "logs:DescribeResourcePolicies"],
      read: ["logs:DescribeResourcePolicies"],
      update: ["logs:PutResourcePolicy", "logs:DescribeResourcePolicies"],
      delete: ["logs:DeleteResourcePolicy"],
    },
  },
  {
    // aws_cloudwatch_event_rule. The state values: rule.go reads types.RuleStateEnabled, RuleStateDisabled and
    // RuleStateEnabledWithAllCloudtrailManagementEvents; their strings as the .d.ts of @pulumi/aws 7.48.0 lists them
    // (cloudwatch/eventRule.d.ts `state`: DISABLED, ENABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS).
    type: "aws:cloudwatch/eventRule:EventRule",
    files: ["internal/service/events/rule.go"],
    constraints: [
      {
        kind: "atLeastOneOf",
        paths: ["scheduleExpression", "eventPattern"],
        source: "internal/service/events/rule.go event_pattern.AtLeastOneOf",
      },
      {
        kind: "conflictsWith",
        path: "name",
        with: ["namePrefix"],
        source: "internal/service/events/rule.go name.ConflictsWith",
      },
      {
        kind: "conflictsWith",
        path: "namePrefix",
        with: ["name"],
        source: "internal/service/events/rule.go name_prefix.ConflictsWith",
      },
      {
        kind: "conflictsWith",
        path: "state",
        with: ["isEnabled"],
        source: "internal/service/events/rule.go state.ConflictsWith",
      },
      {
        kind: "conflictsWith",
        path: "isEnabled",
        with: ["state"],
        source: "internal/service/events/rule.go is_enabled.ConflictsWith",
      },
      {
        kind: "oneOf",
        path: "state",
        values: ["DISABLED", "ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"],
        source: "internal/service/events/rule.go state enum.Validate[types.RuleState]",
      },
      {
        kind: "length",
        path: "description",
        max: 512,
        source: "internal/service/events/rule.go description StringLenBetween(0, 512)",
      },
      {
        kind: "length",
        path: "scheduleExpression",
        max: 256,
        source: "internal/service/events/rule.go schedule_expression StringLenBetween(0, 256)",
      },
      // validateEventPatternValue: the normalized JSON at most 4096 characters (Berth passes compact JSON, the same
      // length unless it holds characters Go escapes differently).
      {
        kind: "length",
        path: "eventPattern",
        max: 4096,
        source: "internal/service/events/rule.go validateEventPatternValue maxJSONLength",
      },
    ],
    calls: {
      // resourceRuleCreate: retryPutRule (PutRule, tags on create), RetryWhenNotFound(findRuleByTwoPartKey:
      // DescribeRule), then Read and the tags interceptor.
      create: ["events:PutRule", "events:DescribeRule", "events:ListTagsForResource"],
      read: ["events:DescribeRule", "events:ListTagsForResource"],
      update: [
        "events:PutRule",
        "events:TagResource",
        "events:UntagResource",
        "events:DescribeRule",
        "events:ListTagsForResource",
      ],
      delete: ["events:DeleteRule"],
    },
  },
  {
    // aws_cloudwatch_event_target (no tags). input_transformer (MaxItems 1) -> inputTransformer.
    type: "aws:cloudwatch/eventTarget:EventTarget",
    files: ["internal/service/events/target.go"],
    constraints: [
      { kind: "required", path: "arn", source: "internal/service/events/target.go arn Required" },
      { kind: "required", path: "rule", source: "internal/service/events/target.go rule Required" },
      {
        kind: "conflictsWith",
        path: "input",
        with: ["inputPath", "inputTransformer"],
        source: "internal/service/events/target.go input.ConflictsWith",
      },
      {
        kind: "conflictsWith",
        path: "inputPath",
        with: ["input", "inputTransformer"],
        source: "internal/service/events/target.go input_path.ConflictsWith",
      },
      {
        kind: "conflictsWith",
        path: "inputTransformer",
        with: ["input", "inputPath"],
        source: "internal/service/events/target.go input_transformer.ConflictsWith",
      },
      {
        kind: "length",
        path: "input",
        max: 8192,
        source: "internal/service/events/target.go input StringLenBetween(0, 8192)",
      },
      {
        kind: "length",
        path: "inputPath",
        max: 256,
        source: "internal/service/events/target.go input_path StringLenBetween(0, 256)",
      },
    ],
    calls: {
      // resourceTargetCreate / Update: PutTargets, then Read (findTargetByThreePartKey: ListTargetsByRule, paged).
      create: ["events:PutTargets", "events:ListTargetsByRule"],
      read: ["events:ListTargetsByRule"],
      update: ["events:PutTargets", "events:ListTargetsByRule"],
      delete: ["events:RemoveTargets"],
    },
  },
];
