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
import { readGitState } from "./sourceRevision";
import { awsStack } from "./awsStack";
import { localStack } from "./localStack";

const settings = loadSettings(pulumi.runtime.allConfig(), { stack: pulumi.getStack(), git: readGitState, isSecret: pulumi.runtime.isConfigSecret });

export = settings.target === "aws" ? awsStack(settings) : localStack(settings);
