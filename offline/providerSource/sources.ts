import type { ProviderSource } from "./facts";

/** Where each provider's facts were read (filled in by whoever derives them). Keyed by the type token's package. */
export const SOURCES: Record<string, ProviderSource> = {
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
