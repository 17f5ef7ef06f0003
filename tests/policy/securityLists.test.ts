/**
 * The settings reader and the policy pack judge by the same security lists (policy/securityLists.ts): every value in
 * each table goes through BOTH the reader (`loadSettings`, as the program calls it) and the pack rule (its
 * `validateResource`, called the way CrossGuard calls it: every resource, its inputs, the rule's own config), and the
 * two must give the expected verdict. A reader that accepts what the pack then fails is a mandatory violation found
 * only at plan time; a pack that passes what the reader refuses is a rule that protects nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ResourceValidationArgs } from "@pulumi/policy";
import { ConfigError, loadSettings } from "../../infra/config";
import { imageTagsFor } from "../../infra/config/source";

import {
  ecsImageByDigest,
  ecsNonRootUser,
  ecsNoSecretsInEnvironment,
  ECS_TASK_DEFINITION,
} from "../../policy/ecsRules";
import { albTlsPolicy } from "../../policy/albRules";
import { TLS13_LISTENER_POLICIES } from "../../policy/securityLists";
import { ecrImmutableTags, ECR_REPOSITORY } from "../../policy/ecrRules";
import type { BerthResourceRule } from "../../policy/rule";
import { fixtureStackConfig } from "../support/fixtures";

/** The SHA the pack builds its deploy-tag samples from (policy/securityLists.ts `deployTagSamples`). */
const SHA = "0123456789abcdef0123456789abcdef01234567";
const git = () => ({ head: SHA, tagsAtHead: [], dirty: false });

function stackConfig(stack: string, overrides: Record<string, unknown>): Record<string, string> {
  const config: Record<string, string> = { ...fixtureStackConfig(stack), "berth:imageSha": SHA };
  for (const [k, v] of Object.entries(overrides)) config[k] = typeof v === "string" ? v : JSON.stringify(v);
  return config;
}

/** The reader's verdict on one key: the problem `loadSettings` reports at `key`, if any. */
function readerRefuses(stack: string, overrides: Record<string, unknown>, key: string): boolean {
  try {
    loadSettings(stackConfig(stack, overrides), { stack, git });
    return false;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.some((p) => p.key === key);
  }
}

/** The pack's verdict: the messages the rule reports for a resource, called as the engine calls it. */
function packReports(rule: BerthResourceRule, type: string, props: Record<string, unknown>): string[] {
  const messages: string[] = [];
  const args = {
    type,
    props,
    urn: `urn:pulumi:staging::berth::${type}::r`,
    name: "r",
    opts: {},
    getConfig: () => ({}),
    isType: () => false,
    asType: () => undefined,
  } as unknown as ResourceValidationArgs;
  rule.validateResource(args, (m: string) => messages.push(m));
  return messages;
}

function taskDefinition(container: Record<string, unknown>): Record<string, unknown> {
  return {
    family: "berth-staging-web",
    networkMode: "awsvpc",
    containerDefinitions: JSON.stringify([
      {
        name: "web",
        image: `111111111111.dkr.ecr.eu-west-1.amazonaws.com/berth@sha256:${"a".repeat(64)}`,
        user: "10001:10001",
        environment: [],
        ...container,
      },
    ]),
  };
}

/** Staging's services with one environment variable or user set on every service. */
function servicesWith(field: (s: Record<string, any>) => void): Record<string, unknown> {
  const services = JSON.parse(fixtureStackConfig("staging")["berth:services"]!);
  for (const s of Object.values(services) as Record<string, any>[]) field(s);
  return { "berth:services": services };
}
const firstService = Object.keys(JSON.parse(fixtureStackConfig("staging")["berth:services"]!))[0]!;

/**
 * Names with the verdict decided for them (policy/securityLists.ts says why): secrets by name, and names that merely
 * mention a secret (a URL, a directory, a file, an id, an ARN) or carry a non-secret key.
 */
const SECRET_NAMES: [string, boolean][] = [
  ["DB_PASSWORD", true],
  ["PASSWORD", true],
  ["DB_PASSWD", true],
  ["GPG_PASSPHRASE", true],
  ["DB_PWD", true],
  ["GITHUB_TOKEN", true],
  ["API_TOKENS", true],
  ["CLIENT_SECRET", true],
  ["SECRET", true],
  ["SESSION_SECRET_V2", true],
  ["API_KEY", true],
  ["APIKEY", true],
  ["SIGNING_KEY", true],
  ["PRIVATE_KEY", true],
  ["ENCRYPTION_KEYS", true],
  ["AWS_SECRET_ACCESS_KEY", true],
  ["GOOGLE_CREDENTIALS", true],
  ["DB_DSN", true],
  ["SENTRY_DSN", true],
  ["DB_CONNECTION_STRING", true],
  ["ConnectionStrings__Default", true],
  ["Jwt__SigningKey", true],
  ["Berth__ApiKey", true],
  ["Auth__ClientSecret", true],
  ["NPM_AUTHTOKEN", true],
  ["TOKEN_URL", false],
  ["SECRETS_DIR", false],
  ["POSTGRES_PASSWORD_FILE", false],
  ["DB_PASSWORD_ARN", false],
  ["AWS_ACCESS_KEY_ID", false],
  ["SIGNING_KEY_ID", false],
  ["TOKEN_TTL", false],
  ["PUBLIC_KEY", false],
  ["CACHE_KEY", false],
  ["PARTITION_KEY", false],
  ["KMS_KEY_ARN", false],
  ["KEYCLOAK_URL", false],
  ["PWD", false],
  ["OLDPWD", false],
  ["LOG_LEVEL", false],
  ["Logging__LogLevel__Default", false],
  ["MONKEY_COUNT", false],
  ["OIDC_ISSUER", false],
  ["PASSWORD_MIN_LENGTH", false],
];

test("secret-looking environment names: the reader (berth:services.<name>.environment) and berth-ecs-no-env-secrets agree on every name", () => {
  const disagreements: string[] = [];
  for (const [name, secret] of SECRET_NAMES) {
    const reader = readerRefuses(
      "staging",
      servicesWith((s) => (s.environment = { ...(s.environment ?? {}), [name]: "x" })),
      `berth:services.${firstService}.environment.${name}`,
    );
    const pack = packReports(
      ecsNoSecretsInEnvironment,
      ECS_TASK_DEFINITION,
      taskDefinition({ environment: [{ name, value: "x" }] }),
    ).some((m) => m.includes("by its name"));
    if (reader !== secret || pack !== secret)
      disagreements.push(
        `${name}: expected ${secret ? "secret" : "not secret"}, reader ${reader ? "refuses" : "accepts"}, pack ${pack ? "flags" : "passes"}`,
      );
  }
  assert.deepEqual(disagreements, []);
});

/** ELB policy names: the TLS13 family and older ones an ALB also accepts (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html). */
const OLDER_TLS_POLICIES = [
  "ELBSecurityPolicy-2016-08",
  "ELBSecurityPolicy-TLS-1-2-2017-01",
  "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
  "ELBSecurityPolicy-FS-1-2-Res-2020-10",
  "ELBSecurityPolicy-TLS-1-0-2015-04",
];

test("TLS listener policies: berth:loadBalancer.tlsPolicy and berth-alb-tls13-policy accept exactly the TLS13 family", () => {
  const disagreements: string[] = [];
  const lb = JSON.parse(fixtureStackConfig("staging")["berth:loadBalancer"] ?? "{}");
  for (const [policy, allowed] of [
    ...TLS13_LISTENER_POLICIES.map((p) => [p, true] as const),
    ...OLDER_TLS_POLICIES.map((p) => [p, false] as const),
  ]) {
    const reader = !readerRefuses(
      "staging",
      { "berth:loadBalancer": { ...lb, tlsPolicy: policy } },
      "berth:loadBalancer.tlsPolicy",
    );
    const pack =
      packReports(albTlsPolicy, "aws:lb/listener:Listener", { protocol: "HTTPS", port: 443, sslPolicy: policy })
        .length === 0;
    if (reader !== allowed || pack !== allowed)
      disagreements.push(`${policy}: expected ${allowed}, reader ${reader}, pack ${pack}`);
  }
  assert.deepEqual(disagreements, []);
});

test("root user: berth:services.<name>.user and berth-ecs-non-root-user agree (uid 0 or gid 0, written with any number of zeros)", () => {
  const users: [string, boolean][] = [
    ["10001:10001", false],
    ["1000:1000", false],
    ["100:10", false],
    ["0:0", true],
    ["0:10001", true],
    ["10001:0", true],
    ["00:10001", true],
    ["10001:000", true],
  ];
  const disagreements: string[] = [];
  for (const [user, root] of users) {
    const reader = readerRefuses(
      "staging",
      servicesWith((s) => (s.user = user)),
      `berth:services.${firstService}.user`,
    );
    const pack = packReports(ecsNonRootUser, ECS_TASK_DEFINITION, taskDefinition({ user })).length > 0;
    if (reader !== root || pack !== root)
      disagreements.push(
        `${user}: expected ${root ? "root" : "non-root"}, reader ${reader ? "refuses" : "accepts"}, pack ${pack ? "flags" : "passes"}`,
      );
  }
  assert.deepEqual(disagreements, []);
});

test("image digests: berth:promotion.digest accepts exactly the digests whose <repository>@<digest> passes berth-ecs-image-digest", () => {
  const digests: [string, boolean][] = [
    [`sha256:${"e".repeat(64)}`, true],
    [`sha256:${"0123456789abcdef".repeat(4)}`, true],
    [`sha256:${"E".repeat(64)}`, false],
    [`sha256:${"e".repeat(63)}`, false],
    [`sha256:${"e".repeat(65)}`, false],
    [`sha512:${"e".repeat(128)}`, false],
    ["latest", false],
    [`sha256:${"e".repeat(63)} `, false],
  ];
  const promotion = JSON.parse(fixtureStackConfig("prod")["berth:promotion"]!);
  const disagreements: string[] = [];
  for (const [digest, valid] of digests) {
    const reader = !readerRefuses("prod", { "berth:promotion": { ...promotion, digest } }, "berth:promotion.digest");
    const pack =
      packReports(
        ecsImageByDigest,
        ECS_TASK_DEFINITION,
        taskDefinition({ image: `222222222222.dkr.ecr.eu-west-1.amazonaws.com/berth@${digest}` }),
      ).length === 0;
    if (reader !== valid || pack !== valid)
      disagreements.push(`${digest}: expected ${valid}, reader ${reader}, pack ${pack}`);
  }
  assert.deepEqual(disagreements, []);
});

test("commit SHA tags: every tag form the program deploys (clean, release, dirty staging build) has a sample the pack's immutability rule protects", () => {
  const sourceOf = (state: { tagsAtHead: string[]; dirty: boolean; dirtyFingerprint?: string }) => {
    const config = stackConfig("staging", {});
    delete config["berth:imageSha"];
    return loadSettings(config, { stack: "staging", git: () => ({ head: SHA, ...state }) }).source;
  };
  const forms = [
    sourceOf({ tagsAtHead: ["v1.2.3"], dirty: false }),
    sourceOf({ tagsAtHead: [], dirty: true, dirtyFingerprint: "0123456789abcdef" }),
  ].flatMap(imageTagsFor);
  assert.equal(forms.length, 3);
  // An exclusion filter equal to a deployed tag makes that tag mutable: the pack must flag it, for every form.
  for (const tag of forms) {
    const repository = {
      imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
      imageTagMutabilityExclusionFilters: [{ filter: tag, filterType: "WILDCARD" }],
    };
    assert.ok(
      packReports(ecrImmutableTags, ECR_REPOSITORY, repository).some((m) => m.includes("makes deploy tags mutable")),
      `${tag}: a form the program deploys, not protected by the pack`,
    );
  }
  // The reader takes exactly full SHAs (the form the samples are built from).
  assert.equal(readerRefuses("staging", { "berth:imageSha": SHA }, "berth:imageSha"), false);
  for (const bad of [SHA.slice(0, 12), SHA.toUpperCase(), "latest"])
    assert.equal(readerRefuses("staging", { "berth:imageSha": bad }, "berth:imageSha"), true, bad);
});
