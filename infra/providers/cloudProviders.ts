/**
 * Explicit cloud providers for the AWS path.
 *
 * Every AWS resource goes through `providers.aws`: pinned to the stack's region, refusing any account but
 * `berth:awsAccountId` (`allowedAccountIds`: credentials for the wrong account fail before anything changes), and
 * tagging every taggable resource with the stack's tags (`defaultTags`). GCP resources go through `providers.gcp`,
 * pinned to the project and region, labelling every labellable resource.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import type { AwsSettings, GcpSettings } from "../config";

interface CloudProvidersArgs {
  aws: AwsSettings;
  gcp: GcpSettings;
  /** The stack's tags: default tags of every AWS resource, lowered to default labels of every GCP resource. */
  tags: Record<string, string>;
}

/**
 * GCP labels from the stack's tags: label keys and values allow only lowercase letters, digits, `_` and `-`
 * (keys start with a letter, at most 63 characters), so each tag is lowered and other characters become `_`.
 */
export function gcpLabelsFromTags(tags: Record<string, string>): Record<string, string> {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, "_")
      .slice(0, 63);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    let k = clean(key);
    if (!/^[a-z]/.test(k)) k = `t_${k}`.slice(0, 63);
    out[k] = clean(value);
  }
  return out;
}

export class CloudProviders extends pulumi.ComponentResource {
  readonly aws: aws.Provider;
  readonly gcp: gcp.Provider;

  constructor(name: string, args: CloudProvidersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:providers:CloudProviders", name, {}, opts);
    const { tags } = args;
    this.aws = new aws.Provider(
      `${name}-aws`,
      {
        region: args.aws.region,
        allowedAccountIds: [args.aws.accountId],
        defaultTags: { tags },
      },
      { parent: this },
    );
    this.gcp = new gcp.Provider(
      `${name}-gcp`,
      {
        project: args.gcp.project,
        region: args.gcp.region,
        defaultLabels: gcpLabelsFromTags(tags),
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
