/**
 * Berth: the production path for one containerized web app.
 *
 *   stack config ──► validated Settings ──► aws: registries ► image ► network ► load balancer ► ECS services ► delivery
 *                                       └─► local: registry container ► image ► hardened containers
 *
 * Everything is validated before the first resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "./config";
import { readGitState } from "./config/gitState";
import { awsStack } from "./awsStack";
import { localStack } from "./local";

// isConfigSecret (@pulumi/pulumi runtime/config.js, @internal: not in the typings) reads PULUMI_CONFIG_SECRET_KEYS.
const isSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
// GITHUB_REPOSITORY: set in GitHub Actions only (docs.github.com, "Variables reference", default variables).
const settings = loadSettings(pulumi.runtime.allConfig(), {
  stack: pulumi.getStack(),
  git: readGitState,
  isSecret,
  githubRepository: process.env.GITHUB_REPOSITORY || undefined,
});

export = settings.target === "aws" ? awsStack(settings) : localStack(settings);
