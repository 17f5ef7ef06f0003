/** The `local` stack's settings (Docker on a laptop). Owner: local stack engineer (H7). */
export interface LocalSettings {
  registryPort: number;
  /** Host port (bound to 127.0.0.1) for the first service's container port. */
  hostPort: number;
}

import type { ConfigSection } from "./section";

// Minimal reader so the program runs end to end; H7 completes it.
export function readLocalSettings(s: ConfigSection): LocalSettings {
  const out: LocalSettings = {
    registryPort: s.integer("registryPort", { default: 5001, min: 1024, max: 65535 }),
    hostPort: s.integer("hostPort", { default: 8080, min: 1024, max: 65535 }),
  };
  s.done();
  return out;
}
