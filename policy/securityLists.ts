/**
 * The security lists the policy pack judges by, each defined once here. The program's settings readers import them
 * (infra -> policy), so a value the reader accepts is a value the pack accepts, and a value the pack would flag is
 * refused early, naming the setting. Nothing here imports the program.
 */

// -----------------------------------------------------------------------------------------------------------------
// Secret-looking environment variable names (FSBP ECS.8: no secrets in container environment variables)
// -----------------------------------------------------------------------------------------------------------------

/**
 * Words that say "this variable holds a secret" wherever they stand in the name (`DB_PASSWORD`, `Jwt__SigningKey`,
 * `API_KEY_V2`). Source: the credential names of FSBP ECS.8 (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ECS_ENGINE_AUTH_DATA)
 * and the names the common platforms put secrets under: `*_TOKEN` (GitHub, npm), `*_SECRET` (OAuth client secrets),
 * `*PASSWORD*`/`PASSWD`/`PASSPHRASE`/`PWD`, `*_KEY` (API, signing, encryption, private keys), `CREDENTIALS`, a `DSN`
 * (Sentry, ODBC: it embeds the credentials) and a connection string (ASP.NET Core's `ConnectionStrings__<name>`).
 * Single-word compounds (`APIKEY`, `CLIENTSECRET`) are listed as they are written.
 */
const SECRET_NAME_WORDS: readonly string[] = [
  "secret",
  "secrets",
  "password",
  "passwords",
  "passwd",
  "passphrase",
  "pwd",
  "token",
  "tokens",
  "key",
  "keys",
  "credential",
  "credentials",
  "creds",
  "dsn",
  "apikey",
  "accesskey",
  "secretkey",
  "privatekey",
  "clientsecret",
  "authtoken",
  "accesstoken",
  "connectionstring",
  "connectionstrings",
];

/**
 * Last words that make the variable a reference to, or a property of, a secret rather than the secret itself:
 * `TOKEN_URL`, `SECRETS_DIR`, `POSTGRES_PASSWORD_FILE` (the `_FILE` convention of the official images), `DB_PASSWORD_ARN`,
 * `AWS_ACCESS_KEY_ID` (an identifier; an actual key id value is still caught by the value patterns), `TOKEN_TTL`.
 */
const SECRET_REFERENCE_SUFFIXES: readonly string[] = [
  "url",
  "uri",
  "endpoint",
  "host",
  "port",
  "dir",
  "directory",
  "path",
  "file",
  "name",
  "id",
  "arn",
  "ttl",
  "lifetime",
  "expiry",
  "expiration",
  "length",
  "type",
  "header",
  "issuer",
  "audience",
  "enabled",
  "version",
  "region",
  "algorithm",
  "format",
  "count",
];

/** Words before `KEY` that name a non-secret key: `PUBLIC_KEY`, `PARTITION_KEY`, `CACHE_KEY`, `KMS_KEY` (a key id or ARN). */
const NON_SECRET_KEY_QUALIFIERS: readonly string[] = [
  "public",
  "partition",
  "sort",
  "cache",
  "primary",
  "foreign",
  "routing",
  "idempotency",
  "kms",
];

/** `Jwt__SigningKey` -> jwt, signing, key; `DB_DSN` -> db, dsn; `APIKEY` -> apikey. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** True when an environment variable of this name would hold a secret in plain text (ECS.8). */
export function isSecretLookingName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0) return false;
  if (words.length === 1 && words[0] === "pwd") return false; // the shell's working directory
  if (words.length > 1 && SECRET_REFERENCE_SUFFIXES.includes(words.at(-1)!)) return false;
  for (const [i, w] of words.entries()) {
    if (w === "connection" && /^strings?$/.test(words[i + 1] ?? "")) return true;
    if (w === "key" || w === "keys") {
      if (!NON_SECRET_KEY_QUALIFIERS.includes(words[i - 1] ?? "")) return true;
    } else if (SECRET_NAME_WORDS.includes(w)) return true;
  }
  return false;
}

// -----------------------------------------------------------------------------------------------------------------
// TLS listener policies (FSBP ELB.17, Checkov CKV_AWS_103)
// -----------------------------------------------------------------------------------------------------------------

/**
 * ELB security policies an HTTPS listener may use: TLS 1.3 supported, nothing older than TLS 1.2, no CBC/SHA-1 `Ext`
 * variants. Source: "Security policies for your Application Load Balancer"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html), the TLS13 family
 * including its FIPS and post-quantum (PQ) variants.
 */
export const TLS13_LISTENER_POLICIES = [
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
] as const;

// -----------------------------------------------------------------------------------------------------------------
// Root user (FSBP ECS.1-adjacent, CIS Docker 4.1)
// -----------------------------------------------------------------------------------------------------------------

/**
 * A container `user` (`user`, `uid`, `user:group`, `uid:gid`, as ECS and Docker take it) that runs as root: user
 * `root`/uid 0, or group `root`/gid 0. The root group is included because files an image leaves group-owned by root
 * (the default owner) become writable or readable through it; CIS Docker 4.1 asks for a non-root user, and a
 * non-root uid in the root group is how an image gets around it.
 */
const ROOT_USER = /^(?:root|0+)(?::.*)?$|^[^:]*:(?:root|0+)$/;

export function runsAsRoot(user: string): boolean {
  return ROOT_USER.test(user.trim());
}

// -----------------------------------------------------------------------------------------------------------------
// Image digests and commit SHAs (supply chain: deploy the exact bytes that were scanned)
// -----------------------------------------------------------------------------------------------------------------

/** An OCI image digest as registries report it: `sha256:<64 lowercase hex>` (OCI image spec, descriptor.md "Digests"). */
export const IMAGE_DIGEST = /^sha256:[0-9a-f]{64}$/;

/** An image reference pinned by digest: `<repository>@sha256:<64 hex>` (a tag before the `@` is ignored by the pull). */
export const DIGEST_REFERENCE = /^[^\s@]+@sha256:[0-9a-f]{64}$/;

/** A full git commit SHA, the primary image tag: 40 lowercase hex (never a short SHA, never `latest`). */
export const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** The tags the program deploys by, one of each form (source.ts `imageTagsFor`): an exclusion from tag immutability must match none. */
export function deployTagSamples(sha = "0123456789abcdef0123456789abcdef01234567"): string[] {
  return [sha, `v1.2.3-${sha}`, `${sha}-dirty-0123456789ab`];
}

/**
 * The name of the ECS task role's inline policy that holds the app's own statements
 * (`berth:services.<name>.taskRole.statements`): what `berth-iam-task-role-resources` reads.
 */
export const TASK_ROLE_APP_POLICY = "app";
