/** Where data rests: CloudWatch log groups, S3 buckets (the ALB's access logs), KMS keys. */
import type { Unwrap } from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import type { PolicyResource } from "@pulumi/policy";
import { asArray, parseJsonDocument, refersTo, resourceRule, stackRule } from "./rule";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const KMS_KEY = "aws:kms/key:Key";
const BUCKET = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const BUCKET_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const BUCKET_ENCRYPTION = [
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";

type LogGroup = Unwrap<aws.cloudwatch.LogGroupArgs>;
type KmsKey = Unwrap<aws.kms.KeyArgs>;

const logRetention = resourceRule<LogGroup>({
  name: "berth-logs-retention",
  summary: "CloudWatch log groups have a retention period (at least `minimumDays`: 1 by default, 365 for prod).",
  controls: { fsbp: ["CloudWatch.16"], checkov: ["CKV_AWS_66", "CKV_AWS_338 (prod: 365 days)"] },
  resourceTypes: [LOG_GROUP],
  configSchema: { properties: { minimumDays: { type: "integer", default: 1, minimum: 1 } } },
  remediationSteps: "Set `berth:logs.retentionDays` (its defaults: docs/reference/network.md).",
  validate: (group, args, report) => {
    const min = args.getConfig<{ minimumDays?: number }>().minimumDays ?? 1;
    const days = group.retentionInDays === undefined ? 0 : Number(group.retentionInDays);
    if (days === 0) report("retentionInDays is not set: logs are kept (and paid for) forever.");
    else if (days < min) report(`retentionInDays is ${days}, below this stack's minimum of ${min}.`);
  },
});

const logKmsEncryption = resourceRule<LogGroup>({
  name: "berth-logs-kms",
  summary:
    "CloudWatch log groups are encrypted with a customer-managed KMS key (advisory: CloudWatch encrypts at rest anyway).",
  controls: { checkov: ["CKV_AWS_158"] },
  resourceTypes: [LOG_GROUP],
  enforcementLevel: "advisory",
  remediationSteps: "Give the log group a `kmsKeyId` (its key policy must allow logs.<region>.amazonaws.com).",
  validate: (group, _a, report) => {
    if (!group.kmsKeyId)
      report("kmsKeyId is not set: the logs are encrypted with an AWS-owned key, outside your key policy.");
  },
});

const kmsKeyRotation = resourceRule<KmsKey>({
  name: "berth-kms-key-rotation",
  summary: "Customer-managed symmetric KMS keys rotate automatically.",
  controls: { fsbp: ["KMS.4"], checkov: ["CKV_AWS_7"] },
  resourceTypes: [KMS_KEY],
  remediationSteps: "Set `enableKeyRotation: true` on the key.",
  validate: (key, _a, report) => {
    const symmetric = key.customerMasterKeySpec === undefined || key.customerMasterKeySpec === "SYMMETRIC_DEFAULT";
    if (symmetric && key.enableKeyRotation !== true) report("enableKeyRotation is not true.");
  },
});

/** A bucket is named by its `bucket` name or its physical id (the provider's id of a bucket is its name). */
const bucketNames = (bucket: PolicyResource) => [bucket.props.bucket, bucket.props.id, (bucket as { id?: string }).id];
/** `resource.bucket` is this bucket: by property dependency in a preview, by name once known (rule.ts refersTo). */
const isFor = (resource: PolicyResource, bucket: PolicyResource) => refersTo(resource, "bucket", bucket, bucketNames);

const s3PublicAccessBlock = stackRule({
  name: "berth-s3-public-access-block",
  summary: "Every S3 bucket has a public access block with all four settings on.",
  controls: { fsbp: ["S3.8"], checkov: ["CKV2_AWS_6", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"] },
  resourceTypes: [...BUCKET, BUCKET_PUBLIC_ACCESS_BLOCK],
  remediationSteps: "Keep the aws.s3.BucketPublicAccessBlock next to the access-log bucket.",
  validate: (args, report) => {
    const blocks = args.resources.filter((r) => r.type === BUCKET_PUBLIC_ACCESS_BLOCK);
    for (const b of blocks) {
      const off = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].filter(
        (k) => b.props[k] !== true,
      );
      if (off.length) report(`public access block ${b.name}: ${off.join(", ")} not true.`, b.urn);
    }
    for (const bucket of args.resources.filter((r) => BUCKET.includes(r.type))) {
      if (!blocks.some((b) => isFor(b, bucket)))
        report(`S3 bucket ${bucket.name} has no public access block.`, bucket.urn);
    }
  },
});

const s3Encryption = stackRule({
  name: "berth-s3-encryption",
  summary: "Every S3 bucket declares its default encryption (SSE-S3 or SSE-KMS) explicitly.",
  controls: { checkov: ["CKV_AWS_19"] },
  resourceTypes: [...BUCKET, ...BUCKET_ENCRYPTION],
  remediationSteps:
    "Add an aws.s3.BucketServerSideEncryptionConfiguration (AES256: ALB access logs do not support SSE-KMS).",
  validate: (args, report) => {
    const configs = args.resources.filter((r) => BUCKET_ENCRYPTION.includes(r.type));
    for (const bucket of args.resources.filter((r) => BUCKET.includes(r.type))) {
      if (bucket.props.serverSideEncryptionConfiguration) continue;
      if (!configs.some((c) => isFor(c, bucket)))
        report(`S3 bucket ${bucket.name} declares no default encryption.`, bucket.urn);
    }
  },
});

/** True when a policy document denies every request made without TLS. */
function deniesInsecureTransport(doc: unknown): boolean {
  return (asArray((doc as { Statement?: unknown })?.Statement) as Record<string, any>[]).some((st) => {
    const cond = st?.Condition?.Bool?.["aws:SecureTransport"];
    return st?.Effect === "Deny" && (cond === false || cond === "false" || asArray(cond).includes("false"));
  });
}

const s3TlsOnly = stackRule({
  name: "berth-s3-tls-only",
  summary: "Every S3 bucket's policy denies requests made without TLS.",
  controls: { fsbp: ["S3.5"], other: "AWS S3 best practice aws:SecureTransport" },
  resourceTypes: [...BUCKET, BUCKET_POLICY],
  remediationSteps: "Add a Deny statement on `aws:SecureTransport: false` to the bucket policy.",
  validate: (args, report) => {
    const policies = args.resources.filter((r) => r.type === BUCKET_POLICY);
    for (const bucket of args.resources.filter((r) => BUCKET.includes(r.type))) {
      const docs = [bucket.props.policy, ...policies.filter((p) => isFor(p, bucket)).map((p) => p.props.policy)].map(
        parseJsonDocument,
      );
      if (!docs.some(deniesInsecureTransport))
        report(`S3 bucket ${bucket.name} accepts requests without TLS.`, bucket.urn);
    }
  },
});

export const storageRules = [
  logRetention,
  logKmsEncryption,
  kmsKeyRotation,
  s3PublicAccessBlock,
  s3Encryption,
  s3TlsOnly,
];
