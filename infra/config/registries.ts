/** Registry and image settings. Owner: registries/image engineer (H3). */
export type Platform = "linux/amd64" | "linux/arm64";

export interface ImageSettings {
  /** Repository / package name in every registry, e.g. `berth`. */
  name: string;
  platform: Platform;
  /** Rollback: deploy this earlier SHA's existing image, build nothing. */
  deploySha?: string;
}

export interface EcrSettings {
  scanOnPush: boolean;
  enhancedScanning: boolean;
  untaggedExpiryDays: number;
  keepShaImages: number;
  forceDelete: boolean;
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
}

import type { ConfigSection } from "./section";
import type { Environment } from "../config";

// Minimal readers so the program runs end to end; H3 completes validation and defaults.
export function readImageSettings(berth: ConfigSection): ImageSettings {
  return {
    name: berth.string("imageName", { default: "berth", pattern: /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/ })!,
    platform: berth.oneOf("platform", ["linux/amd64", "linux/arm64"] as const, "linux/amd64"),
    deploySha: berth.string("deploySha", { pattern: /^[0-9a-f]{40}$/, allowed: "a full 40-hex git commit SHA" }),
  };
}

export function readEcrSettings(s: ConfigSection, environment: Environment): EcrSettings {
  const out: EcrSettings = {
    scanOnPush: s.boolean("scanOnPush", true),
    enhancedScanning: s.boolean("enhancedScanning", true),
    untaggedExpiryDays: s.integer("untaggedExpiryDays", { default: 7, min: 1, max: 365 }),
    keepShaImages: s.integer("keepShaImages", { default: 30, min: 1, max: 1000 }),
    forceDelete: s.boolean("forceDelete", environment !== "prod"),
  };
  s.done();
  return out;
}

export function readArtifactRegistrySettings(s: ConfigSection, gcpRegion: string): ArtifactRegistrySettings {
  const out: ArtifactRegistrySettings = {
    enabled: s.boolean("enabled", true),
    location: s.string("location", { default: gcpRegion })!,
    vulnerabilityScanning: s.boolean("vulnerabilityScanning", true),
    untaggedExpiryDays: s.integer("untaggedExpiryDays", { default: 7, min: 1, max: 365 }),
    keepRecentVersions: s.integer("keepRecentVersions", { default: 30, min: 1, max: 1000 }),
  };
  s.done();
  return out;
}

export function readGhcrSettings(s: ConfigSection): GhcrSettings {
  const out: GhcrSettings = { enabled: s.boolean("enabled", true) };
  s.done();
  return out;
}
