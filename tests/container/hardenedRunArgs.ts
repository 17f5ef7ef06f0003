// The ONE place the container tests (and bench/) take their hardening flags from: the `podman run` flags that
// mirror how the app runs in staging/production (read-only root, tmpfs /tmp, non-root, tight memory/CPU/pids,
// no capabilities, no privilege escalation, bounded logs).
//
// Later this body renders the flags from the staging container spec in infra/ (`renderRunArgs(spec)`); the tests
// assert the resulting PROPERTIES of the running container (uid, CapEff, cgroup limits, read-only root...), never
// these strings, so they keep working whichever way the flags are produced.
// Not here on purpose: the container name and port publishing (the tests bind 127.0.0.1 only).
import { renderRunArgs, stackContainerSpecs } from "../../infra/localRun";

export function hardenedRunArgs(): string[] {
  // Rendered from the staging stack's `web` container spec (Pulumi.staging.yaml -> infra/containerSpec.ts), podman
  // flavour, without port publishing (the tests bind 127.0.0.1 themselves): the same read-only root, /tmp, user,
  // memory/CPU/pids limits, capabilities, init process, health check and stop timeout ECS runs (`--init` needs
  // podman's catatonit, which scripts/bootstrap installs; ECS' equivalent is initProcessEnabled: true).
  const web = stackContainerSpecs("staging", "unused-image").find((spec) => spec.name === "web");
  if (!web) throw new Error("Pulumi.staging.yaml declares no `web` service");
  return renderRunArgs(web, { flavour: "podman" });
}
