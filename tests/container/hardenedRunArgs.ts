// The ONE place the container tests (and bench/) take their hardening flags from: the `podman run` flags that
// mirror how the app runs in staging/production (read-only root, tmpfs /tmp, non-root, tight memory/CPU/pids,
// no capabilities, no privilege escalation, bounded logs).
//
// Later this body renders the flags from the staging container spec in infra/ (`renderRunArgs(spec)`); the tests
// assert the resulting PROPERTIES of the running container (uid, CapEff, cgroup limits, read-only root...), never
// these strings, so they keep working whichever way the flags are produced.
// Not here on purpose: the container name and port publishing (the tests bind 127.0.0.1 only).
export function hardenedRunArgs(): string[] {
  return [
    "--read-only",
    // podman (unlike Docker and ECS' readonlyRootFilesystem) adds writable tmpfs on /run, /var/tmp and /tmp to a
    // read-only container unless told not to: keep /tmp (below) the only writable place, as in ECS.
    "--read-only-tmpfs=false",
    "--tmpfs", "/tmp:rw,nosuid,nodev,size=16m,mode=1777",
    "--user", "10001:10001",
    "--memory", "64m",
    "--memory-swap", "64m",
    "--cpus", "0.5",
    "--pids-limit", "200",
    "--cap-drop", "ALL",
    "--security-opt", "no-new-privileges",
    "--log-driver", "k8s-file",
    "--log-opt", "max-size=1m",
  ];
}
