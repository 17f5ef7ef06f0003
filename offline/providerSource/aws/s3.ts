import type { ProviderResourceFacts } from "../facts";

/**
 * Facts of the provider's s3 resources Berth registers (hashicorp/terraform-provider-aws internal/service/s3/), read
 * with the library's read_file (one stored version per file):
 * - bucket.go: the stored version the index returns for `func resourceBucketRead(` (90,408 characters, aws-sdk-go-v2;
 *   no commit id given for that copy),
 * - bucket_versioning.go and bucket_ownership_controls.go at 01c08000ddb14181b5bd19201d8fca311dc570e4,
 * - bucket_public_access_block.go, bucket_server_side_encryption_configuration.go and bucket_lifecycle_configuration.go
 *   at 01606926a0c0ab9174aec440f976a48b0baee722,
 * - bucket_policy.go at 0073593e7d6993ba482409f4dc35438daaa79bb3.
 * The calls are S3 API operations written as the IAM actions that authorize them (Service Authorization Reference,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html): HeadBucket is s3:ListBucket,
 * GetBucketCors s3:GetBucketCORS, Get/PutBucketAccelerateConfiguration s3:Get/PutAccelerateConfiguration,
 * Get/Put/DeleteBucketLifecycle(Configuration) s3:Get/PutLifecycleConfiguration, GetBucketReplication
 * s3:GetReplicationConfiguration, Get/Put/DeleteBucketEncryption s3:Get/PutEncryptionConfiguration,
 * GetObjectLockConfiguration s3:GetBucketObjectLockConfiguration, Get/Put/DeletePublicAccessBlock
 * s3:Get/PutBucketPublicAccessBlock, DeleteBucketOwnershipControls s3:PutBucketOwnershipControls.
 * Constraints: only those of the files' pages read (the lifecycle schema); the others' schemas were not read.
 */
export const FACTS: ProviderResourceFacts[] = [
  {
    // Berth sets forceDestroy and tags only: of resourceBucketUpdate, only the tags branch is reached.
    type: "aws:s3/bucket:Bucket",
    files: ["internal/service/s3/bucket.go"],
    constraints: [],
    calls: {
      // resourceBucketCreate: CreateBucket (ACL private), findBucket (HeadBucket) until found, then
      // resourceBucketUpdate: BucketUpdateTags.
      create: ["s3:CreateBucket", "s3:ListBucket", "s3:PutBucketTagging"],
      // resourceBucketRead: findBucket, then each sub-configuration in turn, GetBucketRegion (HeadBucket), tags.
      read: [
        "s3:ListBucket",
        "s3:GetBucketPolicy",
        "s3:GetBucketAcl",
        "s3:GetBucketCORS",
        "s3:GetBucketWebsite",
        "s3:GetBucketVersioning",
        "s3:GetAccelerateConfiguration",
        "s3:GetBucketRequestPayment",
        "s3:GetBucketLogging",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:GetEncryptionConfiguration",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketTagging",
      ],
      update: ["s3:PutBucketTagging"],
      // resourceBucketDelete: DeleteBucket, then findBucket until not found. On BucketNotEmpty with forceDestroy (every
      // stack but prod) it empties the bucket first (emptyBucket: ListObjectVersions, DeleteObjects of each version):
      // a destroy of the access logs bucket, run by an administrator (docs/runbooks.md), not by the deploy role.
      delete: ["s3:DeleteBucket", "s3:ListBucket"],
    },
  },
  {
    type: "aws:s3/bucketVersioning:BucketVersioning",
    files: ["internal/service/s3/bucket_versioning.go"],
    constraints: [],
    calls: {
      // Create: PutBucketVersioning, read; the read waits on GetBucketVersioning (waitForBucketVersioningStatus).
      create: ["s3:PutBucketVersioning"],
      read: ["s3:GetBucketVersioning"],
      update: ["s3:PutBucketVersioning"],
      // Delete suspends versioning.
      delete: ["s3:PutBucketVersioning"],
    },
  },
  {
    type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    files: ["internal/service/s3/bucket_server_side_encryption_configuration.go"],
    constraints: [],
    calls: {
      // PutBucketEncryption, then findServerSideEncryptionConfiguration until found.
      create: ["s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration"],
      read: ["s3:GetEncryptionConfiguration"],
      update: ["s3:PutEncryptionConfiguration"],
      delete: ["s3:PutEncryptionConfiguration"],
    },
  },
  {
    type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    files: ["internal/service/s3/bucket_public_access_block.go"],
    constraints: [],
    calls: {
      create: ["s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"],
      read: ["s3:GetBucketPublicAccessBlock"],
      update: ["s3:PutBucketPublicAccessBlock"],
      // DeletePublicAccessBlock, then findPublicAccessBlockConfiguration until not found.
      delete: ["s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"],
    },
  },
  {
    type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    files: ["internal/service/s3/bucket_ownership_controls.go"],
    constraints: [],
    calls: {
      create: ["s3:PutBucketOwnershipControls"],
      read: ["s3:GetBucketOwnershipControls"],
      update: ["s3:PutBucketOwnershipControls"],
      delete: ["s3:PutBucketOwnershipControls"],
    },
  },
  {
    // Berth sets one rule: id, status Enabled, an empty-prefix filter, expiration.days,
    // noncurrentVersionExpiration.noncurrentDays, abortIncompleteMultipartUpload.daysAfterInitiation.
    type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    files: ["internal/service/s3/bucket_lifecycle_configuration.go"],
    constraints: [
      {
        kind: "length",
        path: "bucket",
        min: 1,
        max: 63,
        source: "internal/service/s3/bucket_lifecycle_configuration.go bucket LengthBetween(1, 63)",
      },
      {
        kind: "length",
        path: "rules",
        min: 1,
        source: "internal/service/s3/bucket_lifecycle_configuration.go rule SizeAtLeast(1)",
      },
      { kind: "required", path: "rules[].id", source: "internal/service/s3/bucket_lifecycle_configuration.go rule.id" },
      {
        kind: "length",
        path: "rules[].id",
        min: 1,
        max: 255,
        source: "internal/service/s3/bucket_lifecycle_configuration.go rule.id LengthBetween(1, 255)",
      },
      {
        kind: "required",
        path: "rules[].status",
        source: "internal/service/s3/bucket_lifecycle_configuration.go rule.status",
      },
      {
        kind: "oneOf",
        path: "rules[].status",
        values: ["Disabled", "Enabled"],
        source: "internal/service/s3/bucket_lifecycle_configuration.go rule.status lifecycleRuleStatus_Values",
      },
      {
        kind: "required",
        path: "rules[].noncurrentVersionExpiration.noncurrentDays",
        source: "internal/service/s3/bucket_lifecycle_configuration.go noncurrent_version_expiration.noncurrent_days",
      },
      {
        kind: "range",
        path: "rules[].noncurrentVersionExpiration.noncurrentDays",
        min: 1,
        source:
          "internal/service/s3/bucket_lifecycle_configuration.go noncurrent_version_expiration.noncurrent_days AtLeast(1)",
      },
    ],
    calls: {
      // Create/Update: PutBucketLifecycleConfiguration, then waitLifecycleConfigEquals (GetBucketLifecycleConfiguration).
      create: ["s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration"],
      read: ["s3:GetLifecycleConfiguration"],
      update: ["s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration"],
      // DeleteBucketLifecycle, then findBucketLifecycleConfiguration until not found.
      delete: ["s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration"],
    },
  },
  {
    type: "aws:s3/bucketPolicy:BucketPolicy",
    files: ["internal/service/s3/bucket_policy.go"],
    constraints: [],
    calls: {
      // resourceBucketPolicyPut: PutBucketPolicy, then (new resource) findBucketPolicy until found.
      create: ["s3:PutBucketPolicy", "s3:GetBucketPolicy"],
      read: ["s3:GetBucketPolicy"],
      update: ["s3:PutBucketPolicy"],
      // DeleteBucketPolicy, then findBucketPolicy until not found.
      delete: ["s3:DeleteBucketPolicy", "s3:GetBucketPolicy"],
    },
  },
];
