/** Container registries: Amazon ECR repositories and registry settings, Google Artifact Registry repositories. */
import type { Unwrap } from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import type * as gcp from "@pulumi/gcp";
import { asArray, parseJsonDocument, refersTo, resourceRule, stackRule } from "./rule";
import { deployTagSamples } from "./securityLists";

export const ECR_REPOSITORY = "aws:ecr/repository:Repository";
const ECR_LIFECYCLE_POLICY = "aws:ecr/lifecyclePolicy:LifecyclePolicy";
const ECR_REPOSITORY_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy";
const ECR_REGISTRY_POLICY = "aws:ecr/registryPolicy:RegistryPolicy";
const ECR_REGISTRY_SCANNING = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration";
const ARTIFACT_REGISTRY_REPOSITORY = "gcp:artifactregistry/repository:Repository";

type EcrRepository = Unwrap<aws.ecr.RepositoryArgs>;
type EcrRepositoryPolicy = Unwrap<aws.ecr.RepositoryPolicyArgs>;
type EcrRegistryScanning = Unwrap<aws.ecr.RegistryScanningConfigurationArgs>;
type ArtifactRegistryRepository = Unwrap<gcp.artifactregistry.RepositoryArgs>;

const ecrScanOnPush = resourceRule<EcrRepository>({
  name: "berth-ecr-scan-on-push",
  summary: "ECR repositories scan every image on push.",
  controls: { fsbp: ["ECR.1"], checkov: ["CKV_AWS_163"] },
  resourceTypes: [ECR_REPOSITORY],
  remediationSteps: "Leave `berth:ecr.scanOnPush` unset or true.",
  validate: (repo, _args, report) => {
    if (repo.imageScanningConfiguration?.scanOnPush !== true) {
      report("imageScanningConfiguration.scanOnPush is not true: images are pushed without a vulnerability scan.");
    }
  },
});

/** Tags Berth deploys by: the full commit SHA, the release tag `vX.Y.Z-<sha>`, a dirty staging build's `<sha>-dirty-<fingerprint>`. An exclusion must match none. */
const DEPLOY_TAG_SAMPLES = deployTagSamples();

/** ECR exclusion filters are WILDCARD patterns: `*` matches any run of characters. */
function wildcardMatches(filter: string, tag: string): boolean {
  const pattern = String(filter)
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${pattern}$`).test(tag);
}

export const ecrImmutableTags = resourceRule<EcrRepository>({
  name: "berth-ecr-immutable-tags",
  summary:
    "ECR repositories have immutable tags (exclusions only for tags that are never deployed, e.g. build cache), so a SHA tag always names the same image.",
  controls: { fsbp: ["ECR.2"], checkov: ["CKV_AWS_51"] },
  resourceTypes: [ECR_REPOSITORY],
  remediationSteps: "Set `imageTagMutability: IMMUTABLE` on the repository (infra/registries/ecr.ts).",
  validate: (repo, _args, report) => {
    if (repo.imageTagMutability !== "IMMUTABLE" && repo.imageTagMutability !== "IMMUTABLE_WITH_EXCLUSION") {
      report(
        `imageTagMutability is ${JSON.stringify(repo.imageTagMutability ?? "MUTABLE (the default)")}: tags can be moved to another image.`,
      );
    }
    if (repo.imageTagMutability === "IMMUTABLE_WITH_EXCLUSION") {
      for (const f of asArray(repo.imageTagMutabilityExclusionFilters)) {
        const matches = DEPLOY_TAG_SAMPLES.filter((tag) => wildcardMatches(f.filter, tag));
        if (matches.length)
          report(
            `imageTagMutabilityExclusionFilters ${JSON.stringify(f.filter)} makes deploy tags mutable (it matches ${matches.join(", ")}).`,
          );
      }
    }
  },
});

const ecrKmsEncryption = resourceRule<EcrRepository>({
  name: "berth-ecr-kms-encryption",
  summary: "ECR repositories are encrypted with KMS.",
  controls: { checkov: ["CKV_AWS_136"] },
  resourceTypes: [ECR_REPOSITORY],
  remediationSteps:
    'Give the repository `encryptionConfigurations: [{ encryptionType: "KMS" }]` (infra/registries/ecr.ts).',
  validate: (repo, _args, report) => {
    const configs = asArray(repo.encryptionConfigurations);
    if (!configs.some((c) => c?.encryptionType === "KMS" || c?.encryptionType === "KMS_DSSE")) {
      report("encryptionConfigurations has no KMS encryption (AES256 is the default when it is absent).");
    }
  },
});

const ecrNoForceDelete = resourceRule<EcrRepository>({
  name: "berth-ecr-no-force-delete",
  summary:
    "ECR repositories are not force-deleted with their images (advisory; mandatory for prod in policy/config/prod.json).",
  controls: { other: "Berth: keep the images a running service pulls" },
  resourceTypes: [ECR_REPOSITORY],
  enforcementLevel: "advisory",
  remediationSteps: "Set `berth:ecr.forceDelete: false` (the prod default).",
  validate: (repo, _args, report) => {
    if (repo.forceDelete === true)
      report("forceDelete is true: destroying the stack deletes every image, including the one a service runs.");
  },
});

/** Principals in an IAM-style policy document that mean "anyone". */
function publicPrincipals(doc: unknown): string[] {
  const found: string[] = [];
  for (const st of asArray((doc as { Statement?: unknown })?.Statement) as Record<string, any>[]) {
    if (st?.Effect !== "Allow") continue;
    const p = st.Principal;
    const values =
      p === "*"
        ? ["*"]
        : typeof p === "object" && p
          ? Object.values(p).flatMap((v) => asArray(v as string | string[]))
          : [];
    if (values.includes("*") && !st.Condition) found.push(String(st.Sid ?? "(no Sid)"));
  }
  return found;
}

const ecrPolicyNotPublic = resourceRule<EcrRepositoryPolicy>({
  name: "berth-ecr-policy-not-public",
  summary: "ECR repository policies never allow `*` principals without a condition.",
  controls: { checkov: ["CKV_AWS_32"] },
  resourceTypes: [ECR_REPOSITORY_POLICY, ECR_REGISTRY_POLICY],
  remediationSteps: "Grant pulls to role ARNs only (EcrRepository.grantPull).",
  validate: (policy, _args, report) => {
    const doc = parseJsonDocument(policy.policy);
    if (doc === undefined) return report("policy is not valid JSON.");
    const open = publicPrincipals(doc);
    if (open.length)
      report(`statements ${open.join(", ")} allow Principal "*" with no Condition: anyone can use the registry.`);
  },
});

const ecrRegistryScanning = resourceRule<EcrRegistryScanning>({
  name: "berth-ecr-registry-scanning",
  summary:
    "Registry scanning, when configured, is ENHANCED (Inspector) and covers every repository continuously or on push.",
  controls: { fsbp: ["ECR.1"], other: "Amazon Inspector continuous scanning" },
  resourceTypes: [ECR_REGISTRY_SCANNING],
  remediationSteps: "Leave `berth:ecr.enhancedScanning` unset or true.",
  validate: (cfg, _args, report) => {
    if (cfg.scanType !== "ENHANCED")
      report(`scanType is ${JSON.stringify(cfg.scanType)}: only ENHANCED rescans images when new CVEs appear.`);
    const rules = asArray(cfg.rules);
    const covers = rules.some(
      (r) =>
        (r.scanFrequency === "CONTINUOUS_SCAN" || r.scanFrequency === "SCAN_ON_PUSH") &&
        asArray(r.repositoryFilters).some((f) => f.filter === "*" || f.filter.length > 0),
    );
    if (!covers) report("no rule scans repositories (CONTINUOUS_SCAN or SCAN_ON_PUSH with a repository filter).");
  },
});

const ecrLifecyclePolicy = stackRule({
  name: "berth-ecr-lifecycle-policy",
  summary: "Every ECR repository has a lifecycle policy that expires old images.",
  controls: { fsbp: ["ECR.3"] },
  resourceTypes: [ECR_REPOSITORY, ECR_LIFECYCLE_POLICY],
  remediationSteps:
    "Keep the aws.ecr.LifecyclePolicy the EcrRepository component creates (berth:ecr.untaggedExpiryDays, keepShaImages).",
  validate: (args, report) => {
    const policies = args.resources.filter((r) => r.type === ECR_LIFECYCLE_POLICY);
    const withRules: typeof policies = [];
    for (const p of policies) {
      const doc = parseJsonDocument(p.props.policy) as { rules?: unknown[] } | undefined;
      if (!doc || !Array.isArray(doc.rules) || doc.rules.length === 0) {
        report(`lifecycle policy ${p.name} has no rules.`, p.urn);
        continue;
      }
      withRules.push(p);
    }
    // Joined by property dependency in a preview, by repository name once known (rule.ts refersTo).
    const repositoryNames = (repo: (typeof policies)[number]) => [
      repo.props.name,
      repo.props.id,
      (repo as { id?: string }).id,
    ];
    for (const repo of args.resources.filter((r) => r.type === ECR_REPOSITORY)) {
      if (!withRules.some((p) => refersTo(p, "repository", repo, repositoryNames)))
        report(`ECR repository ${repo.name} has no lifecycle policy: images accumulate forever.`, repo.urn);
    }
  },
});

const artifactRegistryScanning = resourceRule<ArtifactRegistryRepository>({
  name: "berth-ar-vulnerability-scanning",
  summary: "Artifact Registry repositories do not disable vulnerability scanning.",
  controls: { other: "Google Artifact Analysis automatic scanning (no FSBP/Checkov id)" },
  resourceTypes: [ARTIFACT_REGISTRY_REPOSITORY],
  remediationSteps: "Leave `berth:artifactRegistry.vulnerabilityScanning` unset or true.",
  validate: (repo, _args, report) => {
    if (repo.vulnerabilityScanningConfig?.enablementConfig === "DISABLED") {
      report("vulnerabilityScanningConfig.enablementConfig is DISABLED: images are never scanned.");
    }
  },
});

const artifactRegistryCleanup = resourceRule<ArtifactRegistryRepository>({
  name: "berth-ar-cleanup-policies",
  summary: "Artifact Registry repositories have cleanup policies, applied (not a dry run).",
  controls: { other: "Berth: bounded registry storage, as ECR.3 for ECR" },
  resourceTypes: [ARTIFACT_REGISTRY_REPOSITORY],
  remediationSteps:
    "Keep the cleanupPolicies the ArtifactRegistryRepository component sets (berth:artifactRegistry.untaggedExpiryDays, keepRecentVersions).",
  validate: (repo, _args, report) => {
    if (asArray(repo.cleanupPolicies).length === 0) report("cleanupPolicies is empty: versions accumulate forever.");
    else if (repo.cleanupPolicyDryRun === true)
      report("cleanupPolicyDryRun is true: the cleanup policies never delete anything.");
  },
});

export const registryRules = [
  ecrScanOnPush,
  ecrImmutableTags,
  ecrKmsEncryption,
  ecrLifecyclePolicy,
  ecrPolicyNotPublic,
  ecrRegistryScanning,
  ecrNoForceDelete,
  artifactRegistryScanning,
  artifactRegistryCleanup,
];
