/**
 * compose.yaml: the staging stack's services rendered as a compose file (infra/local/localRun.ts renders a spec), so a
 * laptop without Pulumi runs the production hardening. Reads the committed stack file, so it is offline tooling, not
 * part of the deployed program. Regenerate: node --import tsx offline/compose.ts
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadSettings } from "../infra/config";
import { containerSpecFor, type ContainerSpec } from "../infra/container/containerSpec";
import { COMPOSE_IMAGE, renderCompose } from "../infra/local/localRun";
import { readStackConfig, REPO_ROOT } from "./mockRuntime";

/** A fixed, clean git state: the compose rendering does not depend on the work tree. */
const RENDER_GIT = () => ({ head: "0".repeat(40), tagsAtHead: [], dirty: false });

/** The container specs of a stack's services, with `image` as the image reference. */
function stackContainerSpecs(stack: string, image: string, root = REPO_ROOT): ContainerSpec[] {
  const settings = loadSettings(readStackConfig(stack, root), { stack, git: RENDER_GIT });
  return settings.services.map((s) => containerSpecFor(settings, s, image));
}

/** compose.yaml as rendered from the staging stack. */
export function renderStackCompose(stack = "staging", root = REPO_ROOT): string {
  return renderCompose(stackContainerSpecs(stack, COMPOSE_IMAGE, root));
}

export const COMPOSE_FILE = path.join(REPO_ROOT, "compose.yaml");

function writeComposeFile(file = COMPOSE_FILE): void {
  fs.writeFileSync(file, renderStackCompose());
}

if (require.main === module) writeComposeFile();
