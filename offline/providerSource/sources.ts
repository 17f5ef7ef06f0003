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
  gcp: {
    package: "@pulumi/gcp",
    packageVersion: "9.37.0",
    repository: "hashicorp/terraform-provider-google",
    wrappedVersion:
      "not determined: pulumi-gcp 9.x builds from a terraform-provider-google-beta 7.x submodule (provider/go.mod replaces it with ../upstream; e.g. pulumi/pulumi-gcp#3870 upgraded to v7.39.0 on 2026-07-08); the upstream version of 9.37.0 was not found",
    commit: "0937ec5ba25b4ce01df2705fbacee88aa96972c9",
    note: "The stored files are terraform-provider-google (GA), generated from GoogleCloudPlatform/magic-modules like google-beta; several files were read at other commits or by file id (offline/providerSource/gcp.ts lists each). The commit is the one most files were read at, not a release.",
  },
  github: {
    package: "@pulumi/github",
    packageVersion: "6.15.0",
    repository: "integrations/terraform-provider-github",
    wrappedVersion:
      "not determined: a terraform-provider-github v6.x (pulumi-github 6.x; e.g. pulumi/pulumi-github#769 upgraded to v6.3.0); the upstream version of 6.15.0 was not found",
    commit: "02a5f35b3c04f9f8444c4f9fb6f8d93b225337bf",
    note: "The commit is resource_github_repository_environment.go's; the other files were read at other commits or by file id (offline/providerSource/github.ts lists each).",
  },
  docker: {
    package: "@pulumi/docker",
    packageVersion: "5.2.0",
    repository: "kreuzwerker/terraform-provider-docker",
    wrappedVersion:
      "not determined: pulumi-docker's provider/go.mod replaces terraform-provider-docker with ../upstream (a submodule); the upstream version of 5.2.0 was not found",
    commit: "042f771a818e9d4b8c37fa2993a37b38b3822cab",
    note: "The commit is resource_docker_container.go's (older than the wrapped provider). docker:index/image:Image is native to pulumi/pulumi-docker (provider/provider.go, read by file id), not a Terraform resource.",
  },
  "docker-build": {
    package: "@pulumi/docker-build",
    packageVersion: "0.0.22",
    repository: "pulumi/pulumi-docker-build",
    wrappedVersion: "none: a native provider (its own Go code, no upstream Terraform provider)",
    commit: "0b3ab4fe06deb5ac344e26074a445c353272ff2c",
    note: "provider/internal/image.go as stored at this commit; not checked to be the v0.0.22 tag.",
  },
};
