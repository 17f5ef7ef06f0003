/**
 * The ECS cluster every service of the stack runs in: Container Insights (enhanced by default), Fargate capacity
 * providers, and ECS Exec sessions logged to a KMS-encrypted log group for the services that opt into exec.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { logGroupKeyPolicy } from "./logGroupKey";
import type { AwsSettings, ClusterSettings, LogSettings } from "../config";
import { CLUSTER } from "../config/network";
import { optOutWarnings } from "../config/declare";

interface ClusterArgs {
  cluster: ClusterSettings;
  /** The account and region of the exec sessions' key policy. */
  aws: AwsSettings;
  /** Retention of the exec session logs. */
  logs: Pick<LogSettings, "retentionDays">;
  /** The cluster is `<project>-<stack>`, its exec log group `/<project>/<stack>/ecs-exec`. */
  project: string;
  stack: string;
}

/** The cluster's capacity providers: FARGATE always, FARGATE_SPOT when `berth:cluster.fargateSpot` is true. */
export function capacityProviders(cluster: Pick<ClusterSettings, "fargateSpot">): string[] {
  return cluster.fargateSpot ? ["FARGATE", "FARGATE_SPOT"] : ["FARGATE"];
}

/** What the stack says out loud about the cluster: each hardening switched off. */
export function clusterWarnings(cluster: Pick<ClusterSettings, "containerInsights">): string[] {
  return optOutWarnings(CLUSTER, { ...cluster }, "berth:cluster");
}

export class Cluster extends pulumi.ComponentResource {
  readonly cluster: aws.ecs.Cluster;
  readonly arn: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  /** Log group ECS Exec sessions are written to; a task role of a service with exec needs write access to it. */
  readonly execLogGroupName: pulumi.Output<string>;
  readonly execLogGroupArn: pulumi.Output<string>;
  /** Key that encrypts exec sessions and their logs; a task role of a service with exec needs kms:Decrypt on it. */
  readonly execKmsKeyArn: pulumi.Output<string>;
  /** Plain strings, known at plan time: switched-off hardening. */
  readonly warnings: string[];

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:cluster:Cluster", name, {}, opts);
    const { cluster, aws: account, logs, project, stack } = args;
    const child = { parent: this };
    const clusterName = `${project}-${stack}`;
    const execLogGroupName = `/${project}/${stack}/ecs-exec`;
    const tags = { Name: clusterName };
    this.warnings = clusterWarnings(cluster);
    for (const warning of this.warnings) pulumi.log.warn(warning, this);

    const key = new aws.kms.Key(
      `${name}-exec`,
      {
        description: `ECS Exec sessions and their logs in cluster ${clusterName}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: JSON.stringify(
          logGroupKeyPolicy({
            accountId: account.accountId,
            region: account.region,
            logGroupName: execLogGroupName,
          }),
        ),
        tags: { Name: `${clusterName}-ecs-exec` },
      },
      child,
    );
    const execLogs = new aws.cloudwatch.LogGroup(
      `${name}-exec`,
      {
        name: execLogGroupName,
        retentionInDays: logs.retentionDays,
        kmsKeyId: key.arn,
        tags: { Name: `${clusterName}-ecs-exec` },
      },
      child,
    );

    this.cluster = new aws.ecs.Cluster(
      name,
      {
        name: clusterName,
        settings: [{ name: "containerInsights", value: cluster.containerInsights }],
        configuration: {
          executeCommandConfiguration: {
            kmsKeyId: key.arn,
            logging: "OVERRIDE",
            logConfiguration: { cloudWatchLogGroupName: execLogs.name, cloudWatchEncryptionEnabled: true },
          },
        },
        tags,
      },
      child,
    );
    new aws.ecs.ClusterCapacityProviders(
      name,
      {
        clusterName: this.cluster.name,
        capacityProviders: capacityProviders(cluster),
        defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE", base: 0, weight: 1 }],
      },
      child,
    );

    this.arn = this.cluster.arn;
    this.name = this.cluster.name;
    this.execLogGroupName = execLogs.name;
    this.execLogGroupArn = execLogs.arn;
    this.execKmsKeyArn = key.arn;
    this.registerOutputs({
      arn: this.arn,
      name: this.name,
      execLogGroupName: this.execLogGroupName,
      execKmsKeyArn: this.execKmsKeyArn,
    });
  }
}
