/**
 * The ECR side of the three registries.
 *
 *   EcrRepository ─┬─ kms.Key (customer managed, rotation on)          FSBP KMS / CKV_AWS_136
 *                  ├─ ecr.Repository <image>  IMMUTABLE, scan on push   FSBP ECR.1, ECR.2 / CKV_AWS_51, CKV_AWS_163
 *                  ├─ ecr.LifecyclePolicy (untagged, last N, keep v*)    FSBP ECR.3
 *                  ├─ ecr.Repository buildcache/<image> (build stack only; only `buildcache-*` tags are mutable)
 *                  ├─ ecr.RegistryScanningConfiguration ENHANCED + CONTINUOUS_SCAN (account-wide)
 *                  ├─ ecr.ReplicationConfiguration (staging → prod account; account-wide)
 *                  ├─ ecr.RegistryPolicy (prod: accept replication from staging)
 *                  └─ ecr.RepositoryPolicy via grantPull(): only the given principals pull
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { AwsSettings, EcrReplicationTarget, EcrSettings, Environment } from "../config";
import { optOutWarnings } from "../config/declare";
import { ECR } from "../config/registries";

interface EcrRepositoryArgs {
  ecr: EcrSettings;
  /** The account and region of the registry (the replication policy names them). */
  aws: AwsSettings;
  /** The repository's name (`berth:imageName`). */
  imageName: string;
  stack: string;
  /** Prod protects the repository and its key, and has no build cache (it never builds). */
  environment: Environment;
}

/** Tags of the build cache (in the cache repository only); the application repository has no mutable tag at all. */
const BUILD_CACHE_TAG_FILTER = "buildcache-*";
const RELEASE_TAG_PREFIX = "v";

/** The actions an image pull needs (ECS task execution role, `docker pull`). */
const PULL_ACTIONS = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"];

function cacheRepositoryName(imageName: string): string {
  // Outside the `<image>` prefix, so the replication filter (PREFIX_MATCH <image>) never copies the cache to prod.
  return `buildcache/${imageName}`;
}

/** The cache tag for a platform, e.g. `buildcache-linux-amd64`: matches BUILD_CACHE_TAG_FILTER. */
export function buildCacheTag(platform: string): string {
  return `buildcache-${platform.replace(/\//g, "-")}`;
}

/**
 * Lifecycle rules. ECR evaluates rules by priority and an image matched by a rule's tag selection is never expired
 * by a lower-priority rule: rule 1 selects `v*` release images and keeps up to 9999 of them (in practice: never
 * expires them), so rules 2 and 3 never touch a release image.
 */
export function appLifecyclePolicy(
  ecr: Pick<EcrSettings, "untaggedExpiryDays" | "keepShaImages">,
): aws.ecr.LifecyclePolicyDocument {
  return {
    rules: [
      {
        rulePriority: 1,
        description: "Never expire release images (tags vX.Y.Z-<sha>)",
        selection: {
          tagStatus: "tagged",
          tagPrefixList: [RELEASE_TAG_PREFIX],
          countType: "imageCountMoreThan",
          countNumber: 9999,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Expire untagged images ${ecr.untaggedExpiryDays} days after push`,
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: ecr.untaggedExpiryDays,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 3,
        description: `Keep the last ${ecr.keepShaImages} SHA-tagged images`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: ecr.keepShaImages },
        action: { type: "expire" },
      },
    ],
  };
}

/** The cache repository keeps only what its `buildcache-*` tags point at; superseded cache manifests go untagged. */
function cacheLifecyclePolicy(untaggedExpiryDays: number): aws.ecr.LifecyclePolicyDocument {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `Expire superseded (untagged) cache manifests ${untaggedExpiryDays} days after push`,
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: untaggedExpiryDays,
        },
        action: { type: "expire" },
      },
    ],
  };
}

/**
 * Only `principalArns` may pull: an Allow for them, and a Deny of the pull actions for every other principal (an
 * IAM identity policy in the account granting `ecr:BatchGetImage` on `*` no longer suffices). AWS services and the
 * account's service-linked roles (replication, Inspector scanning) are exempt from the Deny.
 */
export function pullPolicy(args: { principalArns: string[]; accountId: string }): aws.iam.PolicyDocument {
  const principals = [...new Set(args.principalArns)].sort();
  return {
    Version: "2012-10-17",
    Statement: [
      ...(principals.length > 0
        ? [
            {
              Sid: "AllowPullByGrantedPrincipals",
              Effect: "Allow" as const,
              Principal: { AWS: principals },
              Action: PULL_ACTIONS,
            },
          ]
        : []),
      {
        Sid: "DenyPullByAnyoneElse",
        Effect: "Deny",
        Principal: "*",
        Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        Condition: {
          StringNotLike: {
            "aws:PrincipalArn": [...principals, `arn:aws:iam::${args.accountId}:role/aws-service-role/*`],
          },
          BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
        },
      },
    ],
  };
}

/** Prod's registry policy: the source (staging) account may replicate into this registry's `<image>` repository. */
function acceptReplicationPolicy(args: {
  sourceAccountId: string;
  accountId: string;
  region: string;
  repositoryName: string;
}): aws.iam.PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AcceptReplicationFromSourceAccount",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${args.sourceAccountId}:root` },
        Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
        Resource: `arn:aws:ecr:${args.region}:${args.accountId}:repository/${args.repositoryName}`,
      },
    ],
  };
}

/** Staging's replication rule: the `<image>` repository (prefix match) to each target registry. */
function replicationRules(
  targets: EcrReplicationTarget[],
  repositoryName: string,
): aws.types.input.ecr.ReplicationConfigurationReplicationConfiguration {
  return {
    rules: [
      {
        destinations: targets.map((t) => ({ region: t.region, registryId: t.accountId })),
        repositoryFilters: [{ filter: repositoryName, filterType: "PREFIX_MATCH" }],
      },
    ],
  };
}

export class EcrRepository extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly repository: aws.ecr.Repository;
  readonly lifecyclePolicy: aws.ecr.LifecyclePolicy;
  /** Build cache repository (the stack that builds: not prod). */
  readonly cacheRepository?: aws.ecr.Repository;
  readonly scanning?: aws.ecr.RegistryScanningConfiguration;
  readonly replication?: aws.ecr.ReplicationConfiguration;
  readonly replicationPolicy?: aws.ecr.RegistryPolicy;
  readonly repositoryUrl: pulumi.Output<string>;
  /** Plain strings, known at plan time: each registry hardening switched off (also logged with pulumi.log.warn). */
  readonly warnings: string[];
  private readonly accountId: string;

  constructor(name: string, args: EcrRepositoryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:registries:EcrRepository", name, {}, opts);
    const { ecr, aws: aws_, imageName, stack, environment } = args;
    this.accountId = aws_.accountId;
    this.warnings = optOutWarnings(ECR, { ...ecr }, "berth:ecr", environment);
    for (const warning of this.warnings) pulumi.log.warn(warning, this);
    const encryptionFor = (key: aws.kms.Key) => [{ encryptionType: "KMS", kmsKey: key.arn }];
    // Prod never deletes its images: the repository and the key that decrypts them are protected (a destroy or a
    // replacement stops with an error until `pulumi state unprotect`).
    const prodProtected = { parent: this, protect: environment === "prod" };

    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts the ${imageName} ECR repositories (${stack})`,
        enableKeyRotation: true,
        deletionWindowInDays: ecr.kmsDeletionWindowDays,
      },
      prodProtected,
    );
    new aws.kms.Alias(
      `${name}-key-alias`,
      { name: `alias/${imageName}-ecr-${stack}`, targetKeyId: this.key.keyId },
      { parent: this },
    );

    this.repository = new aws.ecr.Repository(
      name,
      {
        name: imageName,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: ecr.scanOnPush },
        encryptionConfigurations: encryptionFor(this.key),
        forceDelete: ecr.forceDelete,
      },
      prodProtected,
    );
    this.repositoryUrl = this.repository.repositoryUrl;
    this.lifecyclePolicy = new aws.ecr.LifecyclePolicy(
      `${name}-lifecycle`,
      { repository: this.repository.name, policy: JSON.stringify(appLifecyclePolicy(ecr)) },
      { parent: this },
    );

    if (environment !== "prod") {
      this.cacheRepository = new aws.ecr.Repository(
        `${name}-cache`,
        {
          name: cacheRepositoryName(imageName),
          imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
          imageTagMutabilityExclusionFilters: [{ filter: BUILD_CACHE_TAG_FILTER, filterType: "WILDCARD" }],
          imageScanningConfiguration: { scanOnPush: ecr.scanOnPush },
          encryptionConfigurations: encryptionFor(this.key),
          forceDelete: ecr.forceDelete,
        },
        { parent: this },
      );
      new aws.ecr.LifecyclePolicy(
        `${name}-cache-lifecycle`,
        { repository: this.cacheRepository.name, policy: JSON.stringify(cacheLifecyclePolicy(ecr.untaggedExpiryDays)) },
        { parent: this },
      );
    }

    if (ecr.enhancedScanning) {
      // Account-wide: this replaces the registry's scanning configuration for every repository in the region.
      this.scanning = new aws.ecr.RegistryScanningConfiguration(
        `${name}-scanning`,
        {
          scanType: "ENHANCED",
          rules: [{ scanFrequency: "CONTINUOUS_SCAN", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] }],
        },
        { parent: this },
      );
    }

    if (ecr.replicateTo.length > 0) {
      // Account-wide too: one replication configuration per registry. Replication preserves the digest.
      this.replication = new aws.ecr.ReplicationConfiguration(
        `${name}-replication`,
        { replicationConfiguration: replicationRules(ecr.replicateTo, imageName) },
        { parent: this },
      );
    }

    if (ecr.acceptReplicationFrom) {
      this.replicationPolicy = new aws.ecr.RegistryPolicy(
        `${name}-accept-replication`,
        {
          policy: JSON.stringify(
            acceptReplicationPolicy({
              sourceAccountId: ecr.acceptReplicationFrom,
              accountId: aws_.accountId,
              region: aws_.region,
              repositoryName: imageName,
            }),
          ),
        },
        { parent: this },
      );
    }

    this.registerOutputs({
      repositoryUrl: this.repositoryUrl,
      repositoryArn: this.repository.arn,
      keyArn: this.key.arn,
    });
  }

  /**
   * Lets exactly these principals pull (task execution roles, deploy roles). Called once the roles exist, so the
   * repository does not depend on the services that depend on it.
   */
  grantPull(name: string, principalArns: pulumi.Input<string>[]): aws.ecr.RepositoryPolicy {
    const policy = pulumi
      .all(principalArns)
      .apply((arns) => JSON.stringify(pullPolicy({ principalArns: arns, accountId: this.accountId })));
    return new aws.ecr.RepositoryPolicy(name, { repository: this.repository.name, policy }, { parent: this });
  }
}
