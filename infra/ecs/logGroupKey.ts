/** The customer-managed KMS key policy shared by every encrypted log group (ECS services, ECS Exec, VPC flow logs). */
import type * as aws from "@pulumi/aws";

/**
 * Key policy of a key that encrypts one log group (a service's logs, ECS Exec sessions, VPC flow logs): the account administers it
 * through IAM; CloudWatch Logs may use it only for that log group (encryption-context condition).
 */
export function logGroupKeyPolicy(args: {
  accountId: string;
  region: string;
  partition?: string;
  logGroupName: string;
}): aws.iam.PolicyDocument {
  const partition = args.partition ?? "aws";
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersThroughIam",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${args.accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudWatchLogsForThisLogGroupOnly",
        Effect: "Allow",
        Principal: { Service: `logs.${args.region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: {
          ArnEquals: {
            "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${args.region}:${args.accountId}:log-group:${args.logGroupName}`,
          },
        },
      },
    ],
  };
}
