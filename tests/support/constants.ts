/** The values the tests pin: commits, accounts, region, digests, the staging stack's name. Not a test file. */

/** The commit every captured stack builds (`berth:imageSha`): no git read. */
export const SHA = "0123456789abcdef0123456789abcdef01234567";
/** An earlier commit (a rollback's `berth:deploySha`). */
export const OLD_SHA = "89abcdef0123456789abcdef0123456789abcdef";
export const STAGING_ACCOUNT = "111111111111";
export const PROD_ACCOUNT = "222222222222";
export const REGION = "eu-west-1";

/** A digest in staging's ECR, and the references a task definition runs it by. */
export const DIGEST = `sha256:${"ab".repeat(32)}`;
export const IMAGE_REF = (accountId = STAGING_ACCOUNT, region = REGION) =>
  `${accountId}.dkr.ecr.${region}.amazonaws.com/berth@${DIGEST}`;
export const ECR_REPOSITORY_ARN = (accountId = STAGING_ACCOUNT, region = REGION) =>
  `arn:aws:ecr:${region}:${accountId}:repository/berth`;

/** Staging as prod's StackReference names it, and what its last `up` exported. */
export const STAGING_STACK = "your-pulumi-org/berth/staging";
export const STAGING_SHA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
export const STAGING_DIGEST = `sha256:${"b".repeat(64)}`;
/** A digest staging ran before its current one. */
export const OLDER_DIGEST = `sha256:${"d".repeat(64)}`;
/** A digest staging never ran. */
export const UNRUN_DIGEST = `sha256:${"c".repeat(64)}`;
