import type { ProviderResourceFacts } from "../facts";

/**
 * Facts of the provider's SNS resources (hashicorp/terraform-provider-aws internal/service/sns/). The stored index
 * serves one version of each file; the commit each was read at:
 *   internal/service/sns/topic.go                00a35305dc1b297a6fcdecdfbba33f1e63c3da39
 *   internal/service/sns/topic_policy.go         00a35305dc1b297a6fcdecdfbba33f1e63c3da39
 *   internal/service/sns/topic_subscription.go   04a2e6e5bc625ec85ea8c678219b483fc674877e
 *   internal/service/sns/consts.go               01c08000ddb14181b5bd19201d8fca311dc570e4 (an older revision: the
 *                                                subscription protocols and filter policy scopes)
 * Tags: aws_sns_topic is `@Tags(identifierAttribute="arn")`: tags on create (CreateTopic), read and updated by the
 * tagging interceptor with the generator's default operations (ListTagsForResource, TagResource, UntagResource); the
 * partition fallback (createTags after create) is not reached in the commercial partition.
 * Not encoded: the CustomizeDiff rules that archive_policy, fifo_throughput_scope and content_based_deduplication need
 * `fifo_topic = true` (a condition on a value; no constraint kind for it), the ValidARN checks.
 */
const TOPIC = "internal/service/sns/topic.go";
const SUBSCRIPTION = "internal/service/sns/topic_subscription.go";

export const FACTS: ProviderResourceFacts[] = [
  {
    // aws_sns_topic.
    type: "aws:sns/topic:Topic",
    files: [TOPIC, "internal/service/sns/consts.go"],
    constraints: [
      { kind: "conflictsWith", path: "name", with: ["namePrefix"], source: `${TOPIC} name.ConflictsWith` },
      { kind: "conflictsWith", path: "namePrefix", with: ["name"], source: `${TOPIC} name_prefix.ConflictsWith` },
      // resourceTopicCustomizeDiff on create: `^[0-9A-Za-z_-]{1,256}$`, or with fifo_topic `^[0-9A-Za-z_-]{1,251}\.fifo$`;
      // the union of both (facts cannot condition on fifo_topic), so a valid name is never refused.
      {
        kind: "pattern",
        path: "name",
        pattern: "^([0-9A-Za-z_-]{1,256}|[0-9A-Za-z_-]{1,251}\\.fifo)$",
        source: `${TOPIC} resourceTopicCustomizeDiff (topic name)`,
      },
      {
        kind: "range",
        path: "signatureVersion",
        min: 1,
        max: 2,
        source: `${TOPIC} signature_version IntBetween(1, 2)`,
      },
    ],
    calls: {
      // resourceTopicCreate: CreateTopic (tags on create), putTopicAttributes (SetTopicAttributes, one call per
      // attribute: Berth sets KmsMasterKeyId), then Read: findTopicAttributesWithValidAWSPrincipalsByARN
      // (GetTopicAttributes) and the tags interceptor.
      create: ["sns:CreateTopic", "sns:SetTopicAttributes", "sns:GetTopicAttributes", "sns:ListTagsForResource"],
      read: ["sns:GetTopicAttributes", "sns:ListTagsForResource"],
      update: [
        "sns:SetTopicAttributes",
        "sns:TagResource",
        "sns:UntagResource",
        "sns:GetTopicAttributes",
        "sns:ListTagsForResource",
      ],
      delete: ["sns:DeleteTopic"],
    },
  },
  {
    // aws_sns_topic_policy (no tags).
    type: "aws:sns/topicPolicy:TopicPolicy",
    files: ["internal/service/sns/topic_policy.go"],
    constraints: [
      { kind: "required", path: "arn", source: "internal/service/sns/topic_policy.go arn Required" },
      {
        kind: "required",
        path: "policy",
        source: "internal/service/sns/topic_policy.go policy IAMPolicyDocumentSchemaRequired",
      },
    ],
    calls: {
      // resourceTopicPolicyUpsert: putTopicPolicy (SetTopicAttributes Policy), then Read (GetTopicAttributes).
      // Delete puts the default policy back (SetTopicAttributes).
      create: ["sns:SetTopicAttributes", "sns:GetTopicAttributes"],
      read: ["sns:GetTopicAttributes"],
      update: ["sns:SetTopicAttributes", "sns:GetTopicAttributes"],
      delete: ["sns:SetTopicAttributes"],
    },
  },
  {
    // aws_sns_topic_subscription. topic_arn -> topic (node_modules/@pulumi/aws/sns/topicSubscription.d.ts).
    type: "aws:sns/topicSubscription:TopicSubscription",
    files: [SUBSCRIPTION, "internal/service/sns/consts.go"],
    constraints: [
      { kind: "required", path: "endpoint", source: `${SUBSCRIPTION} endpoint Required` },
      { kind: "required", path: "protocol", source: `${SUBSCRIPTION} protocol Required` },
      { kind: "required", path: "topic", source: `${SUBSCRIPTION} topic_arn Required` },
      {
        kind: "oneOf",
        path: "protocol",
        values: ["application", "email", "email-json", "firehose", "http", "https", "lambda", "sms", "sqs"],
        source: `${SUBSCRIPTION} protocol StringInSlice(subscriptionProtocol_Values(), false) (consts.go)`,
      },
      {
        kind: "oneOf",
        path: "filterPolicyScope",
        values: ["MessageAttributes", "MessageBody"],
        source: `${SUBSCRIPTION} filter_policy_scope StringInSlice(subscriptionFilterPolicyScope_Values(), false) (consts.go)`,
      },
    ],
    calls: {
      // resourceTopicSubscriptionCreate: Subscribe; for protocols other than email (and http(s) without
      // endpoint_auto_confirms) waitSubscriptionConfirmed polls GetSubscriptionAttributes; then Read
      // (findSubscriptionAttributesByARN: GetSubscriptionAttributes). Delete: Unsubscribe, then
      // waitSubscriptionDeleted (GetSubscriptionAttributes).
      create: ["sns:Subscribe", "sns:GetSubscriptionAttributes"],
      read: ["sns:GetSubscriptionAttributes"],
      update: ["sns:SetSubscriptionAttributes", "sns:GetSubscriptionAttributes"],
      delete: ["sns:Unsubscribe", "sns:GetSubscriptionAttributes"],
    },
  },
];
