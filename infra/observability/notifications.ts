/**
 * One SNS topic per stack, hearing every alarm of its services and the ECS deployment events of its cluster:
 *
 *   KMS key (CloudWatch and EventBridge may use it to publish; CloudWatch Logs for the events log group only)
 *   SNS topic (encrypted) ◄── topic policy: CloudWatch alarms of this stack, this EventBridge rule, the account
 *        ▲  └── subscriptions from `berth:notifications` (emails, httpsEndpoints)
 *   EventBridge rule (aws.ecs "ECS Deployment State Change" and "ECS Service Action" of this cluster's services)
 *        └── targets: the topic, and a log group the dashboard reads as deployment markers
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { AwsSettings, LogSettings, NotificationSettings } from "../config";
import { logGroupKeyPolicy } from "../ecs/logGroupKey";

/** The ECS events the topic and the dashboard's deployment markers receive. */
const ECS_EVENT_DETAIL_TYPES = ["ECS Deployment State Change", "ECS Service Action"] as const;

/** Names of the stack's notification resources. */
function notificationNames({ project, stack }: { project: string; stack: string }) {
  const prefix = `${project}-${stack}`;
  return {
    topic: `${prefix}-alarms`,
    rule: `${prefix}-ecs-deployments`,
    eventsLogGroup: `/aws/events/${prefix}/ecs-deployments`,
    logResourcePolicy: `${prefix}-ecs-deployment-events`,
    /** Every alarm of the stack's services starts with this (infra/observability/alarms.ts `alarmName`). */
    alarmNamePrefix: `${prefix}-`,
  };
}

/**
 * The event pattern: ECS deployment and service action events of this stack's cluster. A deployment state change
 * names the service only in `resources` (`arn:aws:ecs:<region>:<account>:service/<cluster>/<service>`, no cluster
 * field in `detail`: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html),
 * so both kinds are matched by that ARN's prefix under this cluster.
 */
function ecsEventPattern(args: { region: string; accountId: string; clusterName: string }) {
  return {
    source: ["aws.ecs"],
    "detail-type": [...ECS_EVENT_DETAIL_TYPES],
    resources: [{ prefix: `arn:aws:ecs:${args.region}:${args.accountId}:service/${args.clusterName}/` }],
  };
}

/**
 * The key policy: the account administers it; CloudWatch (alarm actions) and EventBridge (rule targets) may generate
 * data keys and decrypt to publish to the encrypted topic ("Enable compatibility between event sources from AWS
 * services and encrypted topics", https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html); CloudWatch Logs
 * only for the events log group (infra/ecs/logGroupKey.ts).
 */
function notificationsKeyPolicy(args: {
  accountId: string;
  region: string;
  eventsLogGroup: string;
}): aws.iam.PolicyDocument {
  const logs = logGroupKeyPolicy({ accountId: args.accountId, region: args.region, logGroupName: args.eventsLogGroup });
  return {
    Version: "2012-10-17",
    Statement: [
      ...(logs.Statement as aws.iam.PolicyStatement[]),
      {
        Sid: "AlarmsAndEventsPublishToTheTopic",
        Effect: "Allow",
        Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
      },
    ],
  };
}

/**
 * The topic policy: CloudWatch may publish only for this stack's alarms of this account, EventBridge only for this
 * rule (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html; the EventBridge target
 * permissions: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions);
 * the account keeps managing the topic (a topic policy replaces SNS's default one).
 */
function topicPolicy(args: {
  topicArn: string;
  ruleArn: string;
  accountId: string;
  region: string;
  alarmNamePrefix: string;
}): aws.iam.PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountManagesTheTopic",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${args.accountId}:root` },
        Action: [
          "sns:GetTopicAttributes",
          "sns:SetTopicAttributes",
          "sns:Subscribe",
          "sns:ListSubscriptionsByTopic",
          "sns:Publish",
        ],
        Resource: args.topicArn,
      },
      {
        Sid: "ThisStacksAlarms",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: args.topicArn,
        Condition: {
          StringEquals: { "aws:SourceAccount": args.accountId },
          ArnLike: {
            "aws:SourceArn": `arn:aws:cloudwatch:${args.region}:${args.accountId}:alarm:${args.alarmNamePrefix}*`,
          },
        },
      },
      {
        Sid: "ThisStacksEcsEvents",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: args.topicArn,
        Condition: { ArnEquals: { "aws:SourceArn": args.ruleArn } },
      },
    ],
  };
}

/** EventBridge writes to the events log group (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions). */
function eventsLogResourcePolicy(args: { logGroupArn: string; accountId: string }): aws.iam.PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EventBridgeWritesEcsEvents",
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${args.logGroupArn}:*`,
        Condition: { StringEquals: { "aws:SourceAccount": args.accountId } },
      },
    ],
  };
}

interface StackNotificationsArgs {
  /** The topic's subscriptions. */
  notifications: NotificationSettings;
  /** The account and region of the topic, its key and the cluster's events. */
  aws: AwsSettings;
  /** Retention of the events log group. */
  logs: Pick<LogSettings, "retentionDays">;
  /** Names `<project>-<stack>-...` (notificationNames). */
  project: string;
  stack: string;
  clusterName: pulumi.Input<string>;
}

export class StackNotifications extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly topic: aws.sns.Topic;
  readonly topicArn: pulumi.Output<string>;
  readonly rule: aws.cloudwatch.EventRule;
  /** The ECS events as log records: the dashboard's deployment markers. */
  readonly eventsLogGroup: aws.cloudwatch.LogGroup;
  readonly eventsLogGroupName: string;

  constructor(name: string, args: StackNotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:observability:StackNotifications", name, {}, opts);
    const { notifications, project, stack } = args;
    const { region, accountId } = args.aws;
    const names = notificationNames(args);
    const child = { parent: this };

    this.key = new aws.kms.Key(
      `${name}`,
      {
        description: `Alarm and ECS deployment notifications of ${project}/${stack}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: JSON.stringify(notificationsKeyPolicy({ accountId, region, eventsLogGroup: names.eventsLogGroup })),
      },
      child,
    );
    this.topic = new aws.sns.Topic(
      `${name}`,
      { name: names.topic, kmsMasterKeyId: this.key.arn, tags: { Name: names.topic } },
      child,
    );
    this.topicArn = this.topic.arn;

    this.rule = new aws.cloudwatch.EventRule(
      `${name}-ecs`,
      {
        name: names.rule,
        description: `ECS deployment state changes and service actions of cluster ${project}-${stack}`,
        eventPattern: pulumi
          .output(args.clusterName)
          .apply((clusterName) => JSON.stringify(ecsEventPattern({ region, accountId, clusterName }))),
        state: "ENABLED",
      },
      child,
    );
    new aws.sns.TopicPolicy(
      `${name}`,
      {
        arn: this.topic.arn,
        policy: pulumi
          .all([this.topic.arn, this.rule.arn])
          .apply(([topicArn, ruleArn]) =>
            JSON.stringify(
              topicPolicy({ topicArn, ruleArn, accountId, region, alarmNamePrefix: names.alarmNamePrefix }),
            ),
          ),
      },
      child,
    );
    new aws.cloudwatch.EventTarget(`${name}-ecs-topic`, { rule: this.rule.name, arn: this.topic.arn }, child);

    this.eventsLogGroupName = names.eventsLogGroup;
    this.eventsLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-ecs-events`,
      {
        name: names.eventsLogGroup,
        retentionInDays: args.logs.retentionDays,
        kmsKeyId: this.key.arn,
      },
      child,
    );
    const logPolicy = new aws.cloudwatch.LogResourcePolicy(
      `${name}-ecs-events`,
      {
        policyName: names.logResourcePolicy,
        policyDocument: this.eventsLogGroup.arn.apply((logGroupArn) =>
          JSON.stringify(eventsLogResourcePolicy({ logGroupArn, accountId })),
        ),
      },
      child,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-ecs-logs`,
      { rule: this.rule.name, arn: this.eventsLogGroup.arn },
      { ...child, dependsOn: [logPolicy] },
    );

    notifications.emails.forEach(
      (endpoint, i) =>
        new aws.sns.TopicSubscription(
          `${name}-email-${i}`,
          { topic: this.topic.arn, protocol: "email", endpoint },
          child,
        ),
    );
    notifications.httpsEndpoints.forEach(
      (endpoint, i) =>
        new aws.sns.TopicSubscription(
          `${name}-https-${i}`,
          { topic: this.topic.arn, protocol: "https", endpoint },
          child,
        ),
    );

    this.registerOutputs({ topicArn: this.topicArn, eventsLogGroupName: this.eventsLogGroupName });
  }
}
