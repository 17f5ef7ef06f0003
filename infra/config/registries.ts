/**
 * Registry and image settings. Every default is applied here, once;
 * docs/registries.md documents them.
 */
import type { ConfigSection } from "./section";
import type { Environment } from "./environment";
import { SHA_ALLOWED, SHA_PATTERN } from "./source";
import { boolean, integer, oneOf, perEnvironment, section, sectionList, string, type Infer } from "./declare";

const PLATFORMS = ["linux/amd64", "linux/arm64"] as const;
export type Platform = (typeof PLATFORMS)[number];

export const AWS_ACCOUNT_ID_PATTERN = /^\d{12}$/;
export const AWS_ACCOUNT_ID_ALLOWED = "a 12-digit AWS account id (quoted in YAML)";
/** Commercial, GovCloud, China and ISO partitions: `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-5`. */
export const AWS_REGION_PATTERN =
  /^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|southeast|northwest|southwest)-\d{1,2}$/;
export const AWS_REGION_ALLOWED = "an AWS region such as eu-west-1 or us-east-1";
/** `europe-west1`, `us-central1`, `northamerica-northeast2`. */
export const GCP_REGION_PATTERN = /^[a-z]+-[a-z]+\d{1,2}$/;
export const GCP_REGION_ALLOWED = "a GCP region such as europe-west1 or us-central1";
/** Artifact Registry also takes the multi-regions. */
const GCP_ARTIFACT_LOCATION_PATTERN = /^(?:[a-z]+-[a-z]+\d{1,2}|us|europe|asia)$/;
/**
 * Repository/package name, the same in ECR, GHCR and Artifact Registry: the narrowest of the three (an Artifact
 * Registry repository id: a lowercase letter, then lowercase letters, digits and hyphens, at most 63).
 */
const IMAGE_NAME_PATTERN = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface ImageSettings {
  /** Repository / package name in every registry, e.g. `berth`. */
  name: string;
  platform: Platform;
  /** Rollback: deploy this earlier SHA's existing image from ECR, build nothing. */
  deploySha?: string;
}

/** `berth:ecr.replicateTo[]`: one destination registry. */
const ECR_REPLICATION_TARGET = {
  accountId: string({
    required: true,
    pattern: AWS_ACCOUNT_ID_PATTERN,
    allowed: AWS_ACCOUNT_ID_ALLOWED,
    doc: "The destination account.",
  }),
  region: string({
    required: true,
    pattern: AWS_REGION_PATTERN,
    allowed: AWS_REGION_ALLOWED,
    doc: "The destination region.",
  }),
} as const;

/** `berth:ecr`. */
export const ECR = {
  scanOnPush: boolean({
    default: true,
    doc: "Basic scan of every pushed image.",
    hardening: {
      rule: "berth-ecr-scan-on-push",
      warning: "pushed images are not scanned (FSBP ECR.1)",
      controls: "FSBP ECR.1",
    },
  }),
  enhancedScanning: boolean({
    default: true,
    doc: "Registry-wide Inspector scanning (ENHANCED + CONTINUOUS_SCAN); account-wide, it applies to every repository.",
    hardening: {
      rule: "berth-ecr-registry-scanning",
      warning: "the registry has no continuous Inspector scanning (FSBP ECR.1)",
      controls: "FSBP ECR.1",
    },
  }),
  forceDelete: boolean({
    default: false,
    doc: "A destroy deletes the repository with its images (refused in prod).",
    hardening: {
      rule: "berth-ecr-no-force-delete",
      secure: [false],
      warning: "a destroy deletes the repository and every image in it",
    },
  }),
  untaggedExpiryDays: integer({ default: 7, min: 1, max: 365, doc: "Days an untagged image is kept." }),
  keepShaImages: integer({ default: 30, min: 1, max: 1000, doc: "How many <sha> images the lifecycle policy keeps." }),
  kmsDeletionWindowDays: integer({
    default: 30,
    min: 7,
    max: 30,
    doc: "Deletion window of the repository's customer-managed KMS key.",
  }),
  replicateTo: sectionList(section(ECR_REPLICATION_TARGET, { doc: "A destination registry." }), {
    doc: "Cross-account or cross-region replication destinations of this registry (staging to prod), at most 25.",
  }),
  acceptReplicationFrom: string({
    pattern: AWS_ACCOUNT_ID_PATTERN,
    allowed: AWS_ACCOUNT_ID_ALLOWED,
    doc: "The account allowed to replicate into this registry (prod accepts staging).",
  }),
} as const;

/** `berth:artifactRegistry`. */
export const ARTIFACT_REGISTRY = {
  enabled: boolean({
    // Prod never builds (it deploys staging's digest from its own ECR replica), so nothing would push here.
    default: perEnvironment({ staging: true, prod: false, local: false }),
    doc: "Create the Artifact Registry repository and push the image to it.",
  }),
  location: string({
    pattern: GCP_ARTIFACT_LOCATION_PATTERN,
    allowed: "a GCP region such as europe-west1, or a multi-region: us, europe, asia",
    defaultText: "berth:gcpRegion",
    doc: "Region or multi-region of the repository.",
  }),
  vulnerabilityScanning: boolean({
    default: true,
    doc: "Artifact Analysis scanning of the repository's images.",
    hardening: { rule: "berth-ar-vulnerability-scanning", warning: "the repository's images are not scanned" },
  }),
  untaggedExpiryDays: integer({ default: 7, min: 1, max: 365, doc: "Days an untagged version is kept." }),
  keepRecentVersions: integer({ default: 30, min: 1, max: 1000, doc: "How many recent versions the cleanup keeps." }),
} as const;

/** `berth:ghcr`. */
export const GHCR = {
  enabled: boolean({
    // Prod never builds, so it never pushes to GHCR (the reader's note).
    default: perEnvironment({ staging: true, prod: false, local: false }),
    doc: "Push the image to ghcr.io/<githubOwner>/<imageName> (needs the secret berth:ghcrToken).",
  }),
} as const;

export type EcrReplicationTarget = Infer<typeof ECR_REPLICATION_TARGET>;
export type EcrSettings = Infer<typeof ECR>;
export type ArtifactRegistrySettings = Omit<Infer<typeof ARTIFACT_REGISTRY>, "location"> & { location: string };
export type GhcrSettings = Infer<typeof GHCR> & {
  /** The GHCR login's user: `berth:ghcrUser` (CI passes `github.actor`, as GitHub's GHCR docs log in), else the owner. */
  username: string;
};

/**
 * A GitHub login as `github.actor` gives it: 1-39 letters, digits and hyphens, or an app's bot account
 * `<app>[bot]` (https://docs.github.com/en/actions/learn-github-actions/contexts#github-context).
 */
export const GITHUB_ACTOR_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;

/** The image keys of `berth:` (top level). */
export const IMAGE_KEYS = {
  imageName: string({
    default: "berth",
    pattern: IMAGE_NAME_PATTERN,
    allowed: "a lowercase image name such as berth (a letter, then letters, digits and hyphens; at most 63)",
    schema: "project",
    doc: "Repository/package name of the image in ECR, GHCR and Artifact Registry.",
  }),
  platform: oneOf(PLATFORMS, {
    default: "linux/amd64",
    applies: "aws",
    doc: "Image platform of the aws stacks: linux/amd64 or linux/arm64. Refused in the local stack (it builds for the machine's architecture).",
  }),
  deploySha: string({
    pattern: SHA_PATTERN,
    allowed: `${SHA_ALLOWED} of an image already in ECR`,
    defaultText: "unset: build the current commit",
    doc: "Rollback: deploy this earlier full 40-hex SHA's existing image instead of building.",
  }),
} as const;

export function readImageSettings(berth: ConfigSection): ImageSettings {
  return {
    name: berth.get("imageName", IMAGE_KEYS),
    platform: berth.get("platform", IMAGE_KEYS),
    deploySha: berth.get("deploySha", IMAGE_KEYS),
  };
}

/** ECR replication (https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html): up to 25 unique destinations. */
export const MAX_REPLICATION_DESTINATIONS = 25;

export function readEcrSettings(
  s: ConfigSection,
  environment: Environment,
  ownAccountId: string,
  ownRegion?: string,
): EcrSettings {
  // Secure by default everywhere: a destroy keeps the images. Staging may opt in (e.g. before tearing it down).
  const forceDelete = s.get("forceDelete", ECR);
  if (forceDelete && environment === "prod") {
    s.problems.add(
      s.keyPath("forceDelete"),
      true,
      "false in prod (a prod repository holding images is never force-deleted)",
    );
  }
  const replicateTo = s.sectionList("replicateTo").map((t) => t.readAll(ECR_REPLICATION_TARGET));
  // A destination is another registry: another account, or another region of this account. Replicating to the source
  // registry itself is refused by PutReplicationConfiguration.
  replicateTo.forEach((t, i) => {
    const key = `${s.keyPath("replicateTo")}[${i}]`;
    if (t.accountId && t.accountId === ownAccountId && t.region === ownRegion) {
      s.problems.add(
        key,
        t,
        `another registry than this stack's own (account ${ownAccountId}, region ${ownRegion}): another account or another region`,
      );
    }
    if (replicateTo.findIndex((u) => u.accountId === t.accountId && u.region === t.region) !== i)
      s.problems.add(key, t, "each destination once");
  });
  if (replicateTo.length > MAX_REPLICATION_DESTINATIONS) {
    s.problems.add(
      s.keyPath("replicateTo"),
      replicateTo.length,
      `at most ${MAX_REPLICATION_DESTINATIONS} destinations (ECR replication limit)`,
    );
  }
  const acceptReplicationFrom = s.get("acceptReplicationFrom", ECR);
  if (acceptReplicationFrom !== undefined && acceptReplicationFrom === ownAccountId) {
    s.problems.add(
      s.keyPath("acceptReplicationFrom"),
      acceptReplicationFrom,
      "another account than berth:awsAccountId (the source registry's account)",
    );
  }
  const out: EcrSettings = {
    scanOnPush: s.get("scanOnPush", ECR),
    enhancedScanning: s.get("enhancedScanning", ECR),
    untaggedExpiryDays: s.get("untaggedExpiryDays", ECR),
    keepShaImages: s.get("keepShaImages", ECR),
    forceDelete,
    kmsDeletionWindowDays: s.get("kmsDeletionWindowDays", ECR),
    replicateTo,
    acceptReplicationFrom,
  };
  s.done();
  return out;
}

export function readArtifactRegistrySettings(
  s: ConfigSection,
  environment: Environment,
  gcpRegion: string,
): ArtifactRegistrySettings {
  return s.readAll(ARTIFACT_REGISTRY, { environment, defaults: { location: gcpRegion } }) as ArtifactRegistrySettings;
}

export function readGhcrSettings(s: ConfigSection, environment: Environment, username: string): GhcrSettings {
  return { ...s.readAll(GHCR, { environment }), username };
}
