/**
 * The Google Artifact Registry side of the three registries.
 *
 *   ArtifactRegistryRepository ─┬─ projects.Service artifactregistry.googleapis.com   (kept on destroy)
 *                               ├─ projects.Service containerscanning.googleapis.com  (kept on destroy)
 *                               ├─ artifactregistry.Repository DOCKER, immutable tags, scanning INHERITED, cleanup
 *                               ├─ serviceaccount.Account <image>-pusher
 *                               └─ artifactregistry.RepositoryIamMember roles/artifactregistry.writer (this repository only)
 */
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import type { ArtifactRegistrySettings, GcpSettings } from "../config";
import { optOutWarnings } from "../config/declare";
import { ARTIFACT_REGISTRY } from "../config/registries";

interface ArtifactRegistryRepositoryArgs {
  artifactRegistry: ArtifactRegistrySettings;
  /** The GCP project the repository and its pusher live in. */
  gcp: Pick<GcpSettings, "project">;
  /** The repository id (`berth:imageName`). */
  imageName: string;
  stack: string;
}

const REQUIRED_SERVICES = ["artifactregistry.googleapis.com", "containerscanning.googleapis.com"] as const;
const PUSHER_ROLE = "roles/artifactregistry.writer";

/** A service account id (6-30 characters, a letter first, no trailing hyphen) for the image's pusher. */
export function pusherAccountId(imageName: string): string {
  return `${imageName.slice(0, 23)}-pusher`;
}

/**
 * Cleanup: delete untagged versions older than N days; keep the N most recent versions whatever else applies
 * (a KEEP policy wins over a DELETE policy in Artifact Registry). Release tags `v*` are always kept.
 */
export function cleanupPolicies(
  ar: Pick<ArtifactRegistrySettings, "untaggedExpiryDays" | "keepRecentVersions">,
): gcp.types.input.artifactregistry.RepositoryCleanupPolicy[] {
  return [
    {
      id: "delete-untagged",
      action: "DELETE",
      condition: { tagState: "UNTAGGED", olderThan: `${ar.untaggedExpiryDays * 86400}s` },
    },
    {
      id: "keep-recent-versions",
      action: "KEEP",
      mostRecentVersions: { keepCount: ar.keepRecentVersions },
    },
    {
      id: "keep-release-tags",
      action: "KEEP",
      condition: { tagState: "TAGGED", tagPrefixes: ["v"] },
    },
  ];
}

export class ArtifactRegistryRepository extends pulumi.ComponentResource {
  readonly services: gcp.projects.Service[];
  readonly repository: gcp.artifactregistry.Repository;
  readonly pusher: gcp.serviceaccount.Account;
  readonly pusherBinding: gcp.artifactregistry.RepositoryIamMember;
  /** `<location>-docker.pkg.dev/<project>/<repository>`: the image is `<registryUri>/<image>:<tag>`. */
  readonly registryUri: pulumi.Output<string>;
  /** The Docker registry host, e.g. `europe-west1-docker.pkg.dev`. */
  readonly host: string;
  /** Plain values, known at plan time: the repository's location, project and id. */
  readonly location: string;
  readonly project: string;
  readonly repositoryId: string;
  /** Plain strings, known at plan time: each repository hardening switched off (also logged with pulumi.log.warn). */
  readonly warnings: string[];

  constructor(name: string, args: ArtifactRegistryRepositoryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:registries:ArtifactRegistryRepository", name, {}, opts);
    const { artifactRegistry: ar, imageName, stack } = args;
    const project = args.gcp.project;
    this.warnings = optOutWarnings(ARTIFACT_REGISTRY, { ...ar }, "berth:artifactRegistry");
    for (const warning of this.warnings) pulumi.log.warn(warning, this);
    this.host = `${ar.location}-docker.pkg.dev`;
    this.location = ar.location;
    this.project = project;
    this.repositoryId = imageName;

    this.services = REQUIRED_SERVICES.map(
      (service) =>
        new gcp.projects.Service(
          `${name}-${service.split(".")[0]}`,
          // Not disabled on destroy: other workloads in the project may use the API; disabling it would break them.
          { project, service, disableOnDestroy: false, disableDependentServices: false },
          { parent: this },
        ),
    );

    this.repository = new gcp.artifactregistry.Repository(
      name,
      {
        project,
        location: ar.location,
        repositoryId: imageName,
        format: "DOCKER",
        description: `${imageName} images, tagged by git commit SHA (${stack})`,
        dockerConfig: { immutableTags: true },
        vulnerabilityScanningConfig: { enablementConfig: ar.vulnerabilityScanning ? "INHERITED" : "DISABLED" },
        cleanupPolicyDryRun: false,
        cleanupPolicies: cleanupPolicies(ar),
      },
      { parent: this, dependsOn: this.services },
    );
    this.registryUri = this.repository.registryUri;

    this.pusher = new gcp.serviceaccount.Account(
      `${name}-pusher`,
      { project, accountId: pusherAccountId(imageName), displayName: `${imageName} image pusher (${stack})` }, // displayName: at most 100 characters (IAM API)
      { parent: this },
    );
    this.pusherBinding = new gcp.artifactregistry.RepositoryIamMember(
      `${name}-pusher-writer`,
      {
        project,
        location: ar.location,
        repository: this.repository.name,
        role: PUSHER_ROLE,
        member: this.pusher.member,
      },
      { parent: this },
    );

    this.registerOutputs({ registryUri: this.registryUri, pusherEmail: this.pusher.email });
  }
}
