import type { ProviderResourceFacts } from "./facts";

/**
 * Check constraints of the docker and docker-build types Berth registers (infra/local/localStack.ts,
 * infra/local/localContainer.ts, infra/registries/image.ts).
 *
 * - docker.Container, RemoteImage, Volume, Network: kreuzwerker/terraform-provider-docker `internal/provider/` (the
 *   brief's "kreuzwerk" is this repository). Versions read: resource_docker_container.go at commit
 *   042f771a818e9d4b8c37fa2993a37b38b3822cab, resource_docker_image.go (docker_image = Pulumi RemoteImage) at
 *   051297abc1e0fd1f4b9a2a716082ffbefd24b73a, resource_docker_volume.go at 013b65e4158178aeaaaed5bf3c4c414ab690a08a,
 *   resource_docker_network.go at 05198ac844d24af21a7f2807b70d1bd5861e04ea. The container file is OLDER than the
 *   wrapped provider (it has no memory_reservation and healthcheck.test is Required there, optional in the .d.ts):
 *   only checks the .d.ts still agrees with are kept.
 * - docker.Image is a native resource of pulumi/pulumi-docker, not a Terraform one: its Check
 *   (dockerNativeProvider.Check in provider/provider.go, stored file id 48085645593, no commit given) only applies
 *   defaults, requires the Dockerfile to exist (at the given path, else relative to the context) and, when pushing,
 *   resolves the registry of imageName: all depend on the file system or the registry, none is a check of the inputs
 *   alone, so the entry has no constraint.
 * - docker-build.Image: pulumi/pulumi-docker-build provider/internal/image.go at commit
 *   0b3ab4fe06deb5ac344e26074a445c353272ff2c: infer.DefaultCheck (required fields of ImageArgs), then
 *   ImageArgs.validate: the context and Dockerfile must exist, each tag must parse as a Docker reference
 *   (distribution/reference Parse), exports/platforms/cache entries are parsed; with a BuildKit daemon older than
 *   0.13 several exports, or push with load, are refused. Those depend on the host or a grammar not restated here;
 *   only the required input is kept.
 * Names: Container, Network and Volume `name` are Required/Optional in the schema but optional Pulumi inputs
 * (auto-named): not listed as required.
 */

const CONTAINER = "internal/provider/resource_docker_container.go";

export const FACTS: ProviderResourceFacts[] = [
  {
    // docker_container. `ports`, `networks_advanced` (a set) -> ports[], networksAdvanced[]; `healthcheck`
    // (MaxItems:1) -> healthcheck.
    type: "docker:index/container:Container",
    files: [CONTAINER],
    constraints: [
      { kind: "required", path: "image", source: `${CONTAINER} image Required` },
      {
        kind: "pattern",
        path: "restart",
        pattern: "^(no|on-failure|always|unless-stopped)$",
        source: `${CONTAINER} restart validateStringMatchesPattern`,
      },
      { kind: "range", path: "memory", min: 0, source: `${CONTAINER} memory validateIntegerGeqThan(0)` },
      { kind: "range", path: "memorySwap", min: -1, source: `${CONTAINER} memory_swap validateIntegerGeqThan(-1)` },
      { kind: "required", path: "ports[].internal", source: `${CONTAINER} ports.internal Required` },
      { kind: "required", path: "networksAdvanced[].name", source: `${CONTAINER} networks_advanced.name Required` },
      {
        kind: "range",
        path: "healthcheck.retries",
        min: 0,
        source: `${CONTAINER} healthcheck.retries validateIntegerGeqThan(0)`,
      },
    ],
  },
  {
    // docker_image (the Terraform resource that pulls an image) is Pulumi's RemoteImage.
    type: "docker:index/remoteImage:RemoteImage",
    files: ["internal/provider/resource_docker_image.go"],
    constraints: [
      { kind: "required", path: "name", source: "internal/provider/resource_docker_image.go name Required" },
    ],
  },
  {
    // docker_volume: name, labels, driver, driver_opts carry no validator.
    type: "docker:index/volume:Volume",
    files: ["internal/provider/resource_docker_volume.go"],
    constraints: [],
  },
  {
    // docker_network: no validator on the inputs Berth sets (name, driver, options, labels).
    type: "docker:index/network:Network",
    files: ["internal/provider/resource_docker_network.go"],
    constraints: [],
  },
  {
    // Native (pulumi/pulumi-docker provider/provider.go): see above.
    type: "docker:index/image:Image",
    files: ["provider/provider.go"],
    constraints: [],
  },
  {
    // ImageArgs.Push is `pulumi:"push"` without `optional`: infer.DefaultCheck refuses an Image without it.
    type: "docker-build:index:Image",
    files: ["provider/internal/image.go"],
    constraints: [
      { kind: "required", path: "push", source: 'provider/internal/image.go ImageArgs.Push pulumi:"push"' },
    ],
  },
];
