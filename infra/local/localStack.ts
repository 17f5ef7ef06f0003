/**
 * The `local` path: the whole deployment on a laptop's Docker, no cloud account.
 *
 *   registry:2 on 127.0.0.1 ──► image built from ./Dockerfile, pushed tagged by the commit (or, on rollback, an
 *   earlier SHA's image looked up by tag: nothing built) ──► pulled by digest ──► one hardened container per service,
 *   every setting rendered from the same container spec as the ECS task definition (localContainer.ts).
 *
 * Only `@pulumi/docker` resources are registered here: no AWS, GCP or GitHub resource, no cloud provider.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type {
  Environment,
  BuildSettings,
  GithubSettings,
  ImageSettings,
  LocalSettings,
  LocalStackSettings,
  LogSettings,
  ServiceSettings,
  SourceRevision,
} from "../config";
import { stackOptOutWarnings } from "../config";
import { ConfigError, Problems } from "../config/problems";
import { readLocalSecrets } from "./localSecrets";
import { containerSpecFor } from "../container";
import {
  localDigestRef,
  localTagRef,
  registryHost,
  renderDockerContainer,
  renderLocalImageBuild,
  renderRegistryContainer,
  renderServicesNetwork,
  REGISTRY_IMAGE,
  REGISTRY_VOLUME_NAME,
} from "./localContainer";

interface LocalRegistryArgs {
  local: LocalSettings;
}

/** `registry:2` (pinned by digest) on 127.0.0.1:<registryPort>, its blobs in a named volume. */
export class LocalRegistry extends pulumi.ComponentResource {
  readonly host: string;
  readonly container: docker.Container;

  constructor(name: string, args: LocalRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:local:Registry", name, {}, opts);
    const image = new docker.RemoteImage(
      `${name}-image`,
      { name: REGISTRY_IMAGE, keepLocally: true },
      { parent: this },
    );
    const volume = new docker.Volume(
      `${name}-data`,
      { name: REGISTRY_VOLUME_NAME },
      { parent: this, retainOnDelete: false },
    );
    this.container = new docker.Container(
      name,
      renderRegistryContainer(args.local, { imageId: image.imageId, volumeName: volume.name }),
      // Fixed container names: the old container must go before the new one can take its name.
      { parent: this, deleteBeforeReplace: true },
    );
    this.host = registryHost(args.local);
    this.registerOutputs({ host: this.host });
  }
}

interface LocalImageArgs {
  /** The image's name, and on rollback (`deploySha`) the earlier SHA to look up instead of building. */
  image: ImageSettings;
  /** How the image is built (`berth:build`). */
  build: BuildSettings;
  /** The commit it is built from and tagged with. */
  source: SourceRevision;
  /** The repository (the build's SOURCE_URL). */
  github: GithubSettings;
  local: LocalSettings;
  registry: LocalRegistry;
}

/**
 * The image the services run, as `127.0.0.1:<port>/<name>@sha256:...`, pulled from the local registry by that digest.
 * Built and pushed tagged by the commit; with `berth:deploySha` (rollback) the earlier SHA's image is looked up in the
 * local registry by its tag instead, and nothing is built.
 */
export class LocalImage extends pulumi.ComponentResource {
  /** The commit the running image was built from. */
  readonly sha: string;
  /** `127.0.0.1:5001/berth:<tag>`. */
  readonly tagRef: string;
  /** `127.0.0.1:5001/berth@sha256:...`: what the containers run. */
  readonly digestRef: pulumi.Output<string>;
  readonly digest: pulumi.Output<string>;
  /** Image ID of the image pulled by digest (what `docker.Container` is given). */
  readonly imageId: pulumi.Output<string>;
  readonly built: boolean;

  constructor(name: string, args: LocalImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:local:Image", name, {}, opts);
    const { image: imageSettings, source, local, registry } = args;
    const rollbackSha = imageSettings.deploySha;
    let repoDigest: pulumi.Output<string>;
    if (rollbackSha) {
      // Rollback: the earlier SHA's image must already be in the local registry (from an earlier `up`).
      this.sha = rollbackSha;
      this.tagRef = localTagRef(local, imageSettings.name, rollbackSha);
      const existing = new docker.RemoteImage(
        `${name}-rollback`,
        { name: this.tagRef, keepLocally: true },
        { parent: this, dependsOn: [registry.container] },
      );
      repoDigest = existing.repoDigest;
      this.built = false;
    } else {
      this.sha = source.sha;
      const build = renderLocalImageBuild(args, local);
      this.tagRef = String(build.imageName);
      const image = new docker.Image(name, build, { parent: this, dependsOn: [registry.container] });
      repoDigest = image.repoDigest;
      this.built = true;
    }
    this.digestRef = repoDigest.apply((d) => localDigestRef(local, imageSettings.name, d));
    this.digest = this.digestRef.apply((ref) => ref.slice(ref.indexOf("@") + 1));
    // Pulled by digest from the registry: the containers run exactly what the registry holds under that digest.
    const pulled = new docker.RemoteImage(
      `${name}-by-digest`,
      { name: this.digestRef, keepLocally: true },
      { parent: this },
    );
    this.imageId = pulled.imageId;
    this.registerOutputs({ sha: this.sha, tagRef: this.tagRef, digestRef: this.digestRef, imageId: this.imageId });
  }
}

interface LocalServiceArgs {
  service: ServiceSettings;
  local: LocalSettings;
  /** The app's `Berth__Environment`, and the log retention of its container spec. */
  environment: Environment;
  logs: Pick<LogSettings, "retentionDays">;
  /** Container names carry the stack. */
  stack: string;
  image: LocalImage;
  network: docker.Network;
  /** The local value of each of the service's secrets (none by default). */
  secretValues?: Record<string, string>;
}

/** One service's hardened container, rendered from its container spec (the one ECS runs). */
export class LocalService extends pulumi.ComponentResource {
  readonly container: docker.Container;
  /** `http://127.0.0.1:<port>` when published. */
  readonly url?: string;

  constructor(name: string, args: LocalServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:local:Service", name, {}, opts);
    const { local, service, image, network } = args;
    const hostPort = local.hostPorts[service.name];
    const render = (imageRef: string) =>
      renderDockerContainer(containerSpecFor(args, service, imageRef), {
        imageId: image.imageId,
        networkName: network.name,
        hostPort,
        restartPolicy: local.restartPolicy,
        healthyWaitSeconds: local.healthyWaitSeconds,
        stack: args.stack,
        secretValues: args.secretValues,
      });
    // The spec holds the digest reference, known once the image is pushed (or looked up): render inside an apply,
    // then hand each rendered field to the resource. The field list is that of a rendering, so none is dropped.
    const rendered = image.digestRef.apply(render);
    const fields = Object.keys(render(image.tagRef)) as (keyof docker.ContainerArgs)[];
    const containerArgs = Object.fromEntries(
      fields.map((key) => [key, rendered.apply((a) => a[key])]),
    ) as unknown as docker.ContainerArgs;
    // Local secret values are kept encrypted in the state, like every Pulumi secret.
    if (Object.keys(args.secretValues ?? {}).length > 0)
      containerArgs.envs = pulumi.secret(rendered.apply((a) => a.envs!));
    this.container = new docker.Container(name, containerArgs, { parent: this, deleteBeforeReplace: true });
    this.url = hostPort === undefined ? undefined : `http://127.0.0.1:${hostPort}`;
    this.registerOutputs({ url: this.url });
  }
}

export function localStack(settings: LocalStackSettings, root = process.cwd()) {
  const { local, stack, environment, logs } = settings;
  // Every declared secret's local value, read and checked before the first resource (the program runs in the project
  // folder, where Pulumi.yaml is).
  const problems = new Problems();
  const secretValues = readLocalSecrets(
    {
      secretsFile: local.secretsFile,
      root,
      services: settings.services.map((s) => ({ name: s.name, secrets: s.secrets })),
    },
    problems,
  );
  if (problems.any) throw new ConfigError(problems.list);
  // Each hardening a service switches off, said out loud (the docker rules of the pack flag it too).
  const warnings = stackOptOutWarnings(settings);
  for (const warning of warnings) pulumi.log.warn(warning);
  const registry = new LocalRegistry("registry", { local });
  const image = new LocalImage("app", {
    image: settings.image,
    build: settings.build,
    source: settings.source,
    github: settings.github,
    local,
    registry,
  });
  const network = new docker.Network("services", renderServicesNetwork(stack));
  const services = settings.services.map(
    (service) =>
      new LocalService(service.name, {
        service,
        local,
        environment,
        logs,
        stack,
        image,
        network,
        secretValues: secretValues[service.name] ?? {},
      }),
  );

  return {
    environment: settings.environment,
    sourceSha: settings.source.sha,
    imageSha: image.sha,
    imageTagRef: image.tagRef,
    imageDigestRef: image.digestRef,
    imageDigest: image.digest,
    rolledBack: !image.built,
    registry: registry.host,
    /** Published services: `curl <url>/health`, `<url>/version`. */
    serviceUrls: Object.fromEntries(
      settings.services.flatMap((svc, i) => (services[i].url ? [[svc.name, services[i].url]] : [])),
    ),
    containers: Object.fromEntries(settings.services.map((svc, i) => [svc.name, services[i].container.name])),
    warnings,
  };
}
