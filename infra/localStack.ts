/** The `local` path: a laptop's Docker. Owner: H7. */
import type { Settings } from "./config";

export function localStack(settings: Settings) {
  return {
    environment: settings.environment,
    sourceSha: settings.source.sha,
  };
}
