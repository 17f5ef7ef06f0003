import type { ProviderSource } from "./facts";

/** Where each provider's facts were read (filled in by whoever derives them). Keyed by the type token's package. */
export const SOURCES: Record<string, ProviderSource> = {
  aws: {
    package: "@pulumi/aws",
    packageVersion: "7.48.0",
    repository: "hashicorp/terraform-provider-aws",
    // pulumi/pulumi-aws release notes: v7.43.0 upgraded terraform-provider-aws to v6.60.0 then v6.61.0
    // (https://github.com/pulumi/pulumi-aws/releases/tag/v7.43.0). The notes of v7.44.0 to v7.48.0 were not found.
    wrappedVersion: "v6.61.0 or later (v6.61.0 as of @pulumi/aws 7.43.0)",
    // internal/service/cloudwatch/metric_alarm.go, the file the alarms' rule comes from.
    commit: "055611a654738da73e7b1e2b5d2b7672c6d4d531",
    note:
      "Not read at the wrapped tag: the stored index serves one version of each file, at different commits " +
      "(each offline/providerSource/aws/<area>.ts lists the commit of every file it read). Some are older than the " +
      "provider @pulumi/aws 7.48.0 wraps: its MetricAlarmArgs has evaluationCriteria, evaluationInterval and " +
      "warmUpConfiguration, which the metric_alarm.go read lacks, and appautoscaling/policy.go was only readable at an " +
      "aws-sdk-go v1 revision. Facts are kept only where the .d.ts of 7.48.0 still has the inputs they name.",
  },
};
