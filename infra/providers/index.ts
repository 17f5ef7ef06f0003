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
import type { Settings } from "../config";

export interface CloudProvidersArgs {
  settings: Settings;
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
    const { settings } = args;
    if (!settings.aws || !settings.gcp)
      throw new Error("CloudProviders: the aws and gcp settings are required (an aws-target stack)");

    this.aws = new aws.Provider(
      `${name}-aws`,
      {
        region: settings.aws.region,
        allowedAccountIds: [settings.aws.accountId],
        defaultTags: { tags: settings.tags },
      },
      { parent: this },
    );
    this.gcp = new gcp.Provider(
      `${name}-gcp`,
      {
        project: settings.gcp.project,
        region: settings.gcp.region,
        defaultLabels: gcpLabelsFromTags(settings.tags),
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
