/**
 * The one application image.
 *
 * - `AppImage` (the build stack, staging): built once from the repository's Dockerfile with `@pulumi/docker-build`
 *   for the configured platform, tagged `<sha>` (+ `vX.Y.Z-<sha>`), pushed to ECR, GHCR and Artifact Registry on
 *   `up` (never on preview), with a registry build cache in ECR's cache repository. When ECR already has the
 *   primary tag (a re-run for a pushed commit), nothing is pushed and the pushed image's digest is deployed: tags
 *   are IMMUTABLE, and a second push of `<sha>` would be refused (ECR ImageTagAlreadyExistsException). The build
 *   is reproducible (SOURCE_DATE_EPOCH = the commit time; tests/container/reproducible.test.ts), so a rebuild
 *   gives that same digest anyway. A release (`berth:releaseTag`) gets `vX.Y.Z-<sha>` on the deployed digest in every
 *   registry through `RegistryTag` (infra/registries/registryTag.ts), also when nothing was pushed.
 * - `ExistingImage` (rollback: `berth:deploySha`): builds nothing; looks the SHA's image up in ECR and deploys its
 *   digest, or fails with a clear error naming the SHA and the repository.
 * - The promoted image (prod, infra/delivery/promotion.ts) implements the same `ImageRelease` interface.
 *
 * ECS always runs `ecrDigestRef` (`<account>.dkr.ecr.<region>.amazonaws.com/<name>@sha256:...`): a digest, never a tag.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import * as dockerBuild from "@pulumi/docker-build";
import type {
  AwsSettings,
  BuildSettings,
  GhcrSettings,
  GithubSettings,
  ImageSettings,
  SourceRevision,
} from "../config";
import { imageTagsFor } from "../config/source";
import type { EcrRepository } from "./ecr";
import { buildCacheTag } from "./ecr";
import type { ArtifactRegistryRepository } from "./artifactRegistry";
import { commitEpoch } from "../config/gitState";
import { RegistryTag } from "./registryTag";

/** What every path (build, rollback, promotion) gives the services. */
export interface ImageRelease {
  /** The commit SHA of the image. */
  sha: pulumi.Output<string>;
  /** `sha256:<64 hex>`: identical in every registry and in prod's ECR replica. */
  digest: pulumi.Output<string>;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>@sha256:...`: what ECS runs. */
  ecrDigestRef: pulumi.Output<string>;
  /** Tag references by registry (`ecr`, `ghcr`, `artifactRegistry`), primary tag. */
  refs: Record<string, pulumi.Output<string>>;
}

const GHCR_HOST = "ghcr.io";
/** The project directory: `berth:build`'s Dockerfile and context are relative to it. */
const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * The docker-build context, Dockerfile and target of `berth:build`, relative to the working directory (the project
 * directory under the CLI): an absolute path would differ between a laptop and CI and show a diff (a rebuild, and a
 * refused re-push of an immutable tag) on every change of machine.
 */
export function imageBuildLocation(build: Pick<BuildSettings, "dockerfile" | "context" | "target">, cwd: string) {
  const relative = (p: string) => path.relative(cwd, path.resolve(REPO_ROOT, p)) || ".";
  return {
    context: { location: relative(build.context) },
    dockerfile: { location: relative(build.dockerfile) },
    ...(build.target ? { target: build.target } : {}),
  };
}

/** `ghcr.io/<owner>/<name>`: GHCR package names are lowercase. */
export function ghcrImageName(owner: string, imageName: string): string {
  return `${GHCR_HOST}/${owner.toLowerCase()}/${imageName}`;
}

function sourceUrl(settings: { github: GithubSettings }): string {
  return `https://github.com/${settings.github.owner}/${settings.github.repository}`;
}

/** The app's version: the release (`1.4.2`) or `0.0.0-<tag>` between releases. */
function imageVersion(settings: { source: SourceRevision }): string {
  const { source } = settings;
  return source.releaseTag && !source.dirty ? source.releaseTag.slice(1) : `0.0.0-${source.tag}`;
}

/**
 * Build arguments (the Dockerfile's ARGs). Never the wall clock: the same commit must give the same build inputs.
 * With the commit's time (`commitEpoch`, seconds): SOURCE_DATE_EPOCH (the Dockerfile stamps every file of the final
 * stage with it; BuildKit also takes it for the image config's timestamps) and BUILD_TIME (its UTC ISO 8601 form,
 * GET /version and the `org.opencontainers.image.created` label). Without it (git cannot say), the Dockerfile's
 * fixed default (0) applies: still reproducible.
 */
export function imageBuildArgs(
  settings: { source: SourceRevision; github: GithubSettings },
  epochSeconds?: number,
): Record<string, string> {
  const args: Record<string, string> = {
    GIT_SHA: settings.source.sha,
    VERSION: imageVersion(settings),
    SOURCE_URL: sourceUrl(settings),
  };
  if (epochSeconds !== undefined) {
    args.SOURCE_DATE_EPOCH = String(epochSeconds);
    args.BUILD_TIME = new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  }
  return args;
}

/**
 * Whether an `aws.ecr.getImage` failure means "ECR has no such image": the image or the repository does not exist
 * (ECR API errors ImageNotFoundException, RepositoryNotFoundException; the provider's "no matching ... found" /
 * "couldn't find resource" for an empty result).
 */
function isAbsentImageError(cause: unknown): boolean {
  const message = cause instanceof Error ? cause.message : String(cause ?? "");
  return /ImageNotFoundException|RepositoryNotFoundException|no matching ECR Image|couldn't find resource|empty result/i.test(
    message,
  );
}

/**
 * The digest ECR has for `repositoryName:tag`, or undefined when it has none. A lookup that fails for another
 * reason also gives undefined (build and push as without this check; the registry still refuses an overwrite) and
 * says why on the engine log.
 */
async function pushedImageDigest(
  args: { repositoryName: string; registryId: string; tag: string },
  opts: { parent: pulumi.Resource },
): Promise<string | undefined> {
  try {
    const image = await aws.ecr.getImage(
      { repositoryName: args.repositoryName, registryId: args.registryId, imageTag: args.tag },
      { parent: opts.parent },
    );
    return image?.imageDigest || undefined;
  } catch (cause) {
    if (!isAbsentImageError(cause)) {
      const message = cause instanceof Error ? cause.message : String(cause);
      pulumi.log.info(
        `image: could not look up ${args.repositoryName}:${args.tag} in ECR (${message.split("\n")[0]}); building it`,
        opts.parent,
      );
    }
    return undefined;
  }
}

/**
 * OCI labels. `org.opencontainers.image.source` links the GHCR package to the repository, so the package inherits
 * the repository's visibility and access (docs/registries.md, "GHCR"). `berth.dirty` marks a build from uncommitted changes.
 */
export function imageLabels(settings: {
  source: SourceRevision;
  github: GithubSettings;
  image: Pick<ImageSettings, "name">;
  stack: string;
}): Record<string, string> {
  return {
    "org.opencontainers.image.source": sourceUrl(settings),
    "org.opencontainers.image.revision": settings.source.sha,
    "org.opencontainers.image.version": imageVersion(settings),
    "org.opencontainers.image.title": settings.image.name,
    "berth.dirty": String(settings.source.dirty),
    "berth.built-by-stack": settings.stack,
  };
}

/**
 * DNS suffix of a region's partition, as the AWS SDKs resolve endpoints (aws/aws-sdk-js-v3,
 * packages/util-endpoints/src/lib/aws/partitions.json: each partition's `regionRegex` and `dnsSuffix`).
 */
const PARTITION_DNS_SUFFIXES: [RegExp, string][] = [
  [/^cn-\w+-\d+$/, "amazonaws.com.cn"],
  [/^us-iso-\w+-\d+$/, "c2s.ic.gov"],
  [/^us-isob-\w+-\d+$/, "sc2s.sgov.gov"],
  [/^eu-isoe-\w+-\d+$/, "cloud.adc-e.uk"],
  [/^us-isof-\w+-\d+$/, "csp.hci.ic.gov"],
];

/**
 * `<account>.dkr.ecr.<region>.<dns suffix>/<name>`: the repository URI ECR gives a private repository (the registry
 * URL is `https://aws_account_id.dkr.ecr.region.amazonaws.com`:
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html). Computed from the settings, not read from
 * the repository's `repositoryUrl`, which the provider only knows once the repository exists: a first
 * `pulumi preview` shows the image's tag references.
 */
export function ecrRepositoryUrl(accountId: string, region: string, name: string): string {
  const suffix = PARTITION_DNS_SUFFIXES.find(([pattern]) => pattern.test(region))?.[1] ?? "amazonaws.com";
  return `${accountId}.dkr.ecr.${region}.${suffix}/${name}`;
}

/**
 * `<location>-docker.pkg.dev/<project>/<repository>`: an Artifact Registry Docker repository's address
 * (https://cloud.google.com/artifact-registry/docs/docker/names), computed from the settings for the same reason.
 */
function artifactRegistryRepositoryUrl(location: string, project: string, repositoryId: string): string {
  return `${location}-docker.pkg.dev/${project}/${repositoryId}`;
}

/** Every `<repository>:<tag>` the build pushes. */
export function imageTagRefs(repositories: string[], tags: string[]): string[] {
  return repositories.flatMap((repo) => tags.map((tag) => `${repo}:${tag}`));
}

/**
 * Reads `berth:ghcrToken` (a secret: `pulumi config set --secret berth:ghcrToken <token with write:packages>`).
 * Absent: the GHCR push is skipped with a loud warning, so a stack file as committed still plans offline and a
 * laptop without a token can deploy; CI always sets it (docs/registries.md, "GHCR").
 */
function readGhcrToken(): pulumi.Output<string> | undefined {
  return new pulumi.Config("berth").getSecret("ghcrToken");
}

interface AppImageArgs {
  /** The image's name and platform. */
  image: ImageSettings;
  /** The commit it is built from and tagged with. */
  source: SourceRevision;
  /** `berth:build`: the Dockerfile, context, target and extra build arguments. */
  build: BuildSettings;
  /** The repository: the OCI source label, and the GHCR owner. */
  github: GithubSettings;
  ghcr: GhcrSettings;
  /** This account's ECR (the repository URL is known from it before the repository exists). */
  aws: AwsSettings;
  /** The stack that builds (a label on the image). */
  stack: string;
  ecr: EcrRepository;
  artifactRegistry?: ArtifactRegistryRepository;
  /** Defaults to `berth:ghcrToken`. */
  ghcrToken?: pulumi.Output<string>;
}

export class AppImage extends pulumi.ComponentResource implements ImageRelease {
  readonly image: dockerBuild.Image;
  readonly sha: pulumi.Output<string>;
  readonly digest: pulumi.Output<string>;
  readonly ecrDigestRef: pulumi.Output<string>;
  readonly refs: Record<string, pulumi.Output<string>>;
  /** Every tag this build pushes, in every registry (none when ECR already has the primary tag). */
  readonly tagRefs: pulumi.Output<string[]>;
  /** True when ECR already had the primary tag: nothing is pushed, its digest is deployed. */
  readonly reused: pulumi.Output<boolean>;
  /** A release build (`berth:releaseTag`): the `vX.Y.Z-<sha>` tag of the deployed digest, one per registry. */
  readonly releaseTags: RegistryTag[] = [];
  readonly warnings: string[] = [];

  constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:image:AppImage", name, {}, opts);
    const { image, source, github, ghcr, aws: account, ecr, artifactRegistry } = args;
    const tags = imageTagsFor(source);

    const ecrToken = aws.ecr.getAuthorizationTokenOutput({ registryId: ecr.repository.registryId }, { parent: this });
    // Known from the settings (a first preview shows the tag references); the repository is the one `ecr` creates
    // (its name is the image name, its registry this account's) and exists before the Image (dependsOn below).
    const ecrRepository = pulumi.output(ecrRepositoryUrl(account.accountId, account.region, image.name));
    const registries: dockerBuild.types.input.RegistryArgs[] = [
      {
        address: ecrRepository.apply((url) => url.split("/")[0]),
        username: ecrToken.userName,
        password: pulumi.secret(ecrToken.password),
      },
    ];
    const repositories: pulumi.Output<string>[] = [ecrRepository];
    // Where the release tag goes: each registry's repository and the credentials the build pushes with.
    const tagTargets: {
      key: string;
      repository: pulumi.Output<string>;
      username: pulumi.Input<string>;
      password: pulumi.Input<string>;
    }[] = [{ key: "ecr", repository: ecrRepository, username: ecrToken.userName, password: ecrToken.password }];
    const refs: Record<string, pulumi.Output<string>> = { ecr: pulumi.interpolate`${ecrRepository}:${tags[0]}` };

    const ghcrToken = ghcr.enabled ? (args.ghcrToken ?? readGhcrToken()) : undefined;
    if (ghcr.enabled && !ghcrToken) {
      const warning =
        "GHCR push DISABLED: berth:ghcrToken is not set. The image goes to ECR and Artifact Registry only. " +
        "Set it with `pulumi config set --secret berth:ghcrToken <token with write:packages>` (CI sets it), " +
        "or set berth:ghcr.enabled to false to silence this warning.";
      this.warnings.push(warning);
      pulumi.log.warn(warning, this);
    }
    if (ghcrToken) {
      const ghcrRepo = ghcrImageName(github.owner, image.name);
      registries.push({ address: GHCR_HOST, username: ghcr.username, password: ghcrToken });
      repositories.push(pulumi.output(ghcrRepo));
      tagTargets.push({
        key: "ghcr",
        repository: pulumi.output(ghcrRepo),
        username: ghcr.username,
        password: ghcrToken,
      });
      refs.ghcr = pulumi.output(`${ghcrRepo}:${tags[0]}`);
    }
    if (artifactRegistry) {
      const accessToken = gcp.organizations.getClientConfigOutput({ parent: this }).accessToken;
      registries.push({
        address: artifactRegistry.host,
        username: "oauth2accesstoken",
        password: pulumi.secret(accessToken),
      });
      const arRepo = pulumi.output(
        `${artifactRegistryRepositoryUrl(artifactRegistry.location, artifactRegistry.project, artifactRegistry.repositoryId)}/${image.name}`,
      );
      repositories.push(arRepo);
      tagTargets.push({
        key: "artifactRegistry",
        repository: arRepo,
        username: "oauth2accesstoken",
        password: accessToken,
      });
      refs.artifactRegistry = pulumi.interpolate`${arRepo}:${tags[0]}`;
    }

    // Never overwrite an existing tag: when ECR (what ECS runs from) already has the primary tag, push nothing and
    // deploy the pushed digest. Looked up with plain inputs, so a preview knows the answer too.
    const pushedDigest = pulumi.output(
      pushedImageDigest({ repositoryName: image.name, registryId: account.accountId, tag: tags[0] }, { parent: this }),
    );
    this.reused = pushedDigest.apply((d) => d !== undefined);
    this.tagRefs = pulumi
      .all([pulumi.all(repositories), pushedDigest])
      .apply(([repos, d]) => (d ? [] : imageTagRefs(repos, tags)));
    const cacheRef = ecr.cacheRepository
      ? pulumi.interpolate`${ecr.cacheRepository.repositoryUrl}:${buildCacheTag(image.platform)}`
      : undefined;

    this.image = new dockerBuild.Image(
      name,
      {
        ...imageBuildLocation(args.build, process.cwd()),
        platforms: [image.platform],
        tags: this.tagRefs,
        push: pushedDigest.apply((d) => d === undefined),
        // Nothing to export when the image is already pushed (silences docker-build's "no exports" warning).
        exports: pushedDigest.apply((d): dockerBuild.types.input.ExportArgs[] => (d ? [{ cacheonly: {} }] : [])),
        buildOnPreview: false,
        registries,
        // The program's own arguments last: the reader refuses a `berth:build.args` key among them.
        buildArgs: { ...args.build.args, ...imageBuildArgs(args, commitEpoch(source.sha, REPO_ROOT)) },
        labels: imageLabels(args),
        cacheFrom: cacheRef ? [{ registry: { ref: cacheRef } }] : [],
        // ECR needs an image-manifest cache in OCI media types.
        cacheTo: cacheRef
          ? [{ registry: { ref: cacheRef, mode: dockerBuild.CacheMode.Max, imageManifest: true, ociMediaTypes: true } }]
          : [],
      },
      {
        parent: this,
        dependsOn: [ecr.lifecyclePolicy, ...(artifactRegistry ? [artifactRegistry.pusherBinding] : [])],
        // docker-build deletes the tags it pushed when the Image is deleted or replaced (pulumi-docker-build#581;
        // its README: "use retainOnDelete: true if you do not want tags deleted"): a replaced or removed Image must
        // never delete an image that a running service, a rollback or prod's promotion still pulls.
        retainOnDelete: true,
      },
    );

    this.sha = pulumi.output(source.sha);
    this.digest = pulumi.all([pushedDigest, this.image.digest]).apply(([pushed, built]) => pushed ?? built);
    // A release (`vX.Y.Z-<sha>`): tag the deployed digest in every registry. When this run pushed, the Image already
    // pushed the tag and RegistryTag finds it; when ECR already had `<sha>` (the commit was built before it was
    // tagged), nothing was pushed and RegistryTag adds the tag to the existing image, same manifest, same digest.
    for (const releaseTag of tags.slice(1)) {
      for (const t of tagTargets) {
        this.releaseTags.push(
          new RegistryTag(
            `${name}-${t.key}-release-tag`,
            {
              registry: t.repository.apply((r) => r.split("/")[0]),
              repository: t.repository.apply((r) => r.split("/").slice(1).join("/")),
              digest: this.digest,
              tag: releaseTag,
              username: t.username,
              password: t.password,
            },
            { parent: this, dependsOn: [this.image] },
          ),
        );
      }
    }
    this.ecrDigestRef = pulumi.interpolate`${ecr.repository.repositoryUrl}@${this.digest}`;
    this.refs = refs;
    this.registerOutputs({ sha: this.sha, digest: this.digest, ecrDigestRef: this.ecrDigestRef, refs: this.refs });
  }
}

/** The clear error for a rollback to a SHA without an image. */
function missingImageMessage(args: {
  sha: string;
  repositoryName: string;
  registryId: string;
  region: string;
  cause?: unknown;
}): string {
  const cause = args.cause instanceof Error ? args.cause.message : args.cause ? String(args.cause) : "";
  return (
    `berth:deploySha: no image tagged ${args.sha} in ECR repository ${args.repositoryName} ` +
    `(registry ${args.registryId}, ${args.region}). Roll back only to a SHA that was built and pushed: ` +
    `aws ecr describe-images --repository-name ${args.repositoryName} --region ${args.region} ` +
    `--query 'sort_by(imageDetails,&imagePushedAt)[].imageTags'` +
    (cause ? `. Lookup said: ${cause.split("\n")[0]}` : "")
  );
}

interface ExistingImageArgs {
  /** The account and region of the ECR repository the image is looked up in. */
  aws: AwsSettings;
  /** The repository's name (`berth:imageName`). */
  imageName: string;
  ecr: EcrRepository;
  /** The earlier commit to deploy (`berth:deploySha`). */
  sha: string;
}

/** Rollback: no build; the digest of `<sha>`'s image as ECR has it. */
export class ExistingImage extends pulumi.ComponentResource implements ImageRelease {
  readonly sha: pulumi.Output<string>;
  readonly digest: pulumi.Output<string>;
  readonly ecrDigestRef: pulumi.Output<string>;
  readonly refs: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: ExistingImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:image:ExistingImage", name, {}, opts);
    const { ecr, sha } = args;
    const registryId = args.aws.accountId;
    const region = args.aws.region;
    const repositoryName = args.imageName;
    const found = pulumi.output(
      aws.ecr
        .getImage({ repositoryName, registryId, imageTag: sha }, { parent: this })
        .then((image) => {
          if (!image?.imageDigest) throw new Error(missingImageMessage({ sha, repositoryName, registryId, region }));
          return image;
        })
        .catch((cause: unknown) => {
          const message =
            cause instanceof Error && cause.message.startsWith("berth:deploySha")
              ? cause.message
              : missingImageMessage({ sha, repositoryName, registryId, region, cause });
          throw new Error(message);
        }),
    );
    this.sha = pulumi.output(sha);
    this.digest = found.imageDigest;
    this.ecrDigestRef = pulumi.interpolate`${ecr.repository.repositoryUrl}@${found.imageDigest}`;
    this.refs = { ecr: pulumi.interpolate`${ecr.repository.repositoryUrl}:${sha}` };
    // The digest outputs are not registered here: a missing image fails the stack's own outputs (and the services
    // that use the digest) with the message above, once.
    this.registerOutputs({ sha: this.sha, refs: this.refs });
  }
}
