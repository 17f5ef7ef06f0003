/**
 * Registry and image settings. Every default is applied here, once;
 * README.md ("Registries, the image and its tag") documents each key.
 */
import type { ConfigSection } from "./section";
import type { Environment } from "./";
import { SHA_ALLOWED, SHA_PATTERN } from "./source";

export const PLATFORMS = ["linux/amd64", "linux/arm64"] as const;
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
export const GCP_ARTIFACT_LOCATION_PATTERN = /^(?:[a-z]+-[a-z]+\d{1,2}|us|europe|asia)$/;
/**
 * Repository/package name, the same in ECR, GHCR and Artifact Registry: the narrowest of the three (an Artifact
 * Registry repository id: a lowercase letter, then lowercase letters, digits and hyphens, at most 63).
 */
export const IMAGE_NAME_PATTERN = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface ImageSettings {
  /** Repository / package name in every registry, e.g. `berth`. */
  name: string;
  platform: Platform;
  /** Rollback: deploy this earlier SHA's existing image from ECR, build nothing. */
  deploySha?: string;
}

export interface EcrReplicationTarget {
  accountId: string;
  region: string;
}

export interface EcrSettings {
  scanOnPush: boolean;
  /** Registry-wide Inspector scanning (ENHANCED + CONTINUOUS_SCAN). Account-wide: it applies to every repository. */
  enhancedScanning: boolean;
  untaggedExpiryDays: number;
  keepShaImages: number;
  forceDelete: boolean;
  /** KMS customer-managed key deletion window. */
  kmsDeletionWindowDays: number;
  /** Cross-account (and/or cross-region) replication targets of this registry (staging → prod). */
  replicateTo: EcrReplicationTarget[];
  /** The account allowed to replicate into this registry (prod accepts staging). */
  acceptReplicationFrom?: string;
}

export interface ArtifactRegistrySettings {
  enabled: boolean;
  location: string;
  vulnerabilityScanning: boolean;
  untaggedExpiryDays: number;
  keepRecentVersions: number;
}

export interface GhcrSettings {
  enabled: boolean;
  /** The GHCR login's user: `berth:ghcrUser` (CI passes `github.actor`, as GitHub's GHCR docs log in), else the owner. */
  username: string;
}

/**
 * A GitHub login as `github.actor` gives it: 1-39 letters, digits and hyphens, or an app's bot account
 * `<app>[bot]` (https://docs.github.com/en/actions/learn-github-actions/contexts#github-context).
 */
export const GITHUB_ACTOR_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;

export function readImageSettings(berth: ConfigSection): ImageSettings {
  return {
    name: berth.string("imageName", {
      default: "berth",
      pattern: IMAGE_NAME_PATTERN,
      allowed: "a lowercase image name such as berth (a letter, then letters, digits and hyphens; at most 63)",
    })!,
    platform: berth.oneOf("platform", PLATFORMS, "linux/amd64"),
    deploySha: berth.string("deploySha", {
      pattern: SHA_PATTERN,
      allowed: `${SHA_ALLOWED} of an image already in ECR`,
    }),
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
  const forceDelete = s.boolean("forceDelete", false);
  if (forceDelete && environment === "prod") {
    s.problems.add(
      s.keyPath("forceDelete"),
      true,
      "false in prod (a prod repository holding images is never force-deleted)",
    );
  }
  const replicateTo = s.sectionList("replicateTo").map((t) => {
    const target: EcrReplicationTarget = {
      accountId: t.requiredString("accountId", { pattern: AWS_ACCOUNT_ID_PATTERN, allowed: AWS_ACCOUNT_ID_ALLOWED }),
      region: t.requiredString("region", { pattern: AWS_REGION_PATTERN, allowed: AWS_REGION_ALLOWED }),
    };
    t.done();
    return target;
  });
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
  const acceptReplicationFrom = s.string("acceptReplicationFrom", {
    pattern: AWS_ACCOUNT_ID_PATTERN,
    allowed: AWS_ACCOUNT_ID_ALLOWED,
  });
  if (acceptReplicationFrom !== undefined && acceptReplicationFrom === ownAccountId) {
    s.problems.add(
      s.keyPath("acceptReplicationFrom"),
      acceptReplicationFrom,
      "another account than berth:awsAccountId (the source registry's account)",
    );
  }
  const out: EcrSettings = {
    scanOnPush: s.boolean("scanOnPush", true),
    enhancedScanning: s.boolean("enhancedScanning", true),
    untaggedExpiryDays: s.integer("untaggedExpiryDays", { default: 7, min: 1, max: 365 }),
    keepShaImages: s.integer("keepShaImages", { default: 30, min: 1, max: 1000 }),
    forceDelete,
    kmsDeletionWindowDays: s.integer("kmsDeletionWindowDays", { default: 30, min: 7, max: 30 }),
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
  const out: ArtifactRegistrySettings = {
    // Prod never builds (it deploys staging's digest from its own ECR replica), so nothing would push here.
    enabled: s.boolean("enabled", environment !== "prod"),
    location: s.string("location", {
      default: gcpRegion,
      pattern: GCP_ARTIFACT_LOCATION_PATTERN,
      allowed: "a GCP region such as europe-west1, or a multi-region: us, europe, asia",
    })!,
    vulnerabilityScanning: s.boolean("vulnerabilityScanning", true),
    untaggedExpiryDays: s.integer("untaggedExpiryDays", { default: 7, min: 1, max: 365 }),
    keepRecentVersions: s.integer("keepRecentVersions", { default: 30, min: 1, max: 1000 }),
  };
  s.done();
  return out;
}

export function readGhcrSettings(s: ConfigSection, environment: Environment, username: string): GhcrSettings {
  // Prod never builds, so it never pushes to GHCR.
  const out: GhcrSettings = { enabled: s.boolean("enabled", environment !== "prod"), username };
  s.done();
  return out;
}
