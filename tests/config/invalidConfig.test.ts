/**
 * Invalid stack configurations: each is rejected before any resource is registered, with one message naming the
 * key, the value given and what is allowed. Each case runs the whole program under mocks in its own process
 * (mock state is global to a process), starting from the committed stack file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";

import { captureOutcomes, SHA, STAGING_ACCOUNT, PROD_ACCOUNT } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

interface Case {
  title: string;
  stack: "staging" | "prod";
  /** Config entries replacing the stack file's (structured values as objects). */
  patch: (config: Record<string, unknown>) => Record<string, unknown>;
  key: string;
  value: unknown;
  allowed: string;
}

const services = (stack: string) => JSON.parse(fixtureStackConfig(stack)["berth:services"]);

const cases: Case[] = [
  {
    title: "image tag latest",
    stack: "staging",
    patch: () => ({ "berth:imageSha": "latest" }),
    key: "berth:imageSha",
    value: "latest",
    allowed: "never `latest`",
  },
  {
    title: "short SHA",
    stack: "staging",
    patch: () => ({ "berth:imageSha": "0123456" }),
    key: "berth:imageSha",
    value: "0123456",
    allowed: "full 40-hex",
  },
  {
    title: "uppercase SHA",
    stack: "staging",
    patch: () => ({ "berth:imageSha": SHA.toUpperCase() }),
    key: "berth:imageSha",
    value: SHA.toUpperCase(),
    allowed: "lowercase",
  },
  {
    title: "rollback to latest",
    stack: "staging",
    patch: () => ({ "berth:deploySha": "latest" }),
    key: "berth:deploySha",
    value: "latest",
    allowed: "of an image already in ECR",
  },
  {
    title: "release tag without v",
    stack: "staging",
    patch: () => ({ "berth:releaseTag": "1.2.3" }),
    key: "berth:releaseTag",
    value: "1.2.3",
    allowed: "vX.Y.Z",
  },
  {
    title: "platform",
    stack: "staging",
    patch: () => ({ "berth:platform": "linux/386" }),
    key: "berth:platform",
    value: "linux/386",
    allowed: '"linux/amd64", "linux/arm64"',
  },
  {
    title: "AWS region format",
    stack: "staging",
    patch: () => ({ "aws:region": "eu-west" }),
    key: "aws:region",
    value: "eu-west",
    allowed: "an AWS region such as eu-west-1",
  },
  {
    title: "AWS region case",
    stack: "prod",
    patch: () => ({ "aws:region": "EU-WEST-1" }),
    key: "aws:region",
    value: "EU-WEST-1",
    allowed: "an AWS region",
  },
  {
    title: "GCP region format",
    stack: "staging",
    patch: () => ({ "berth:gcpRegion": "europe_west1" }),
    key: "berth:gcpRegion",
    value: "europe_west1",
    allowed: "a GCP region such as europe-west1",
  },
  {
    title: "AWS account id",
    stack: "staging",
    patch: () => ({ "berth:awsAccountId": "12345" }),
    key: "berth:awsAccountId",
    value: "12345",
    allowed: "a 12-digit AWS account id",
  },
  {
    title: "GitHub owner",
    stack: "staging",
    patch: () => ({ "berth:githubOwner": "-not-an-owner-" }),
    key: "berth:githubOwner",
    value: "-not-an-owner-",
    allowed: "a GitHub user or organization name",
  },
  {
    title: "image name",
    stack: "staging",
    patch: () => ({ "berth:imageName": "Berth" }),
    key: "berth:imageName",
    value: "Berth",
    allowed: "a lowercase image name",
  },
  {
    title: "image name not valid in Artifact Registry",
    stack: "staging",
    patch: () => ({ "berth:imageName": "my_app" }),
    key: "berth:imageName",
    value: "my_app",
    allowed: "letters, digits and hyphens",
  },
  {
    title: "environment",
    stack: "staging",
    patch: () => ({ "berth:environment": "production" }),
    key: "berth:environment",
    value: "production",
    allowed: '"staging", "prod", "local"',
  },
  {
    title: "unknown top-level key",
    stack: "staging",
    patch: () => ({ "berth:imageTag": "v1" }),
    key: "berth:imageTag",
    value: "v1",
    allowed: "a known setting of berth:",
  },
  {
    title: "unknown ECR key",
    stack: "staging",
    patch: () => ({ "berth:ecr": { scanOnPushh: true } }),
    key: "berth:ecr.scanOnPushh",
    value: true,
    allowed: "a known setting of berth:ecr",
  },
  {
    title: "ECR untagged expiry 0",
    stack: "staging",
    patch: () => ({ "berth:ecr": { untaggedExpiryDays: 0 } }),
    key: "berth:ecr.untaggedExpiryDays",
    value: 0,
    allowed: "an integer from 1 to 365",
  },
  {
    title: "ECR scanOnPush not a boolean",
    stack: "staging",
    patch: () => ({ "berth:ecr": { scanOnPush: "yes" } }),
    key: "berth:ecr.scanOnPush",
    value: "yes",
    allowed: "true or false",
  },
  {
    title: "replication target region",
    stack: "staging",
    patch: () => ({ "berth:ecr": { replicateTo: [{ accountId: PROD_ACCOUNT, region: "mars-1" }] } }),
    key: "berth:ecr.replicateTo[0].region",
    value: "mars-1",
    allowed: "an AWS region",
  },
  {
    title: "replication target account",
    stack: "staging",
    patch: () => ({ "berth:ecr": { replicateTo: [{ accountId: "prod", region: "eu-west-1" }] } }),
    key: "berth:ecr.replicateTo[0].accountId",
    value: "prod",
    allowed: "a 12-digit AWS account id",
  },
  {
    title: "forceDelete in prod",
    stack: "prod",
    patch: () => ({ "berth:ecr": { forceDelete: true, acceptReplicationFrom: STAGING_ACCOUNT } }),
    key: "berth:ecr.forceDelete",
    value: true,
    allowed: "false in prod",
  },
  {
    title: "prod accepting replication from itself",
    stack: "prod",
    patch: () => ({ "berth:ecr": { acceptReplicationFrom: PROD_ACCOUNT } }),
    key: "berth:ecr.acceptReplicationFrom",
    value: PROD_ACCOUNT,
    allowed: "another account than berth:awsAccountId",
  },
  {
    title: "Artifact Registry location",
    stack: "staging",
    patch: () => ({ "berth:artifactRegistry": { location: "moon" } }),
    key: "berth:artifactRegistry.location",
    value: "moon",
    allowed: "multi-region",
  },
  {
    title: "Fargate cpu/memory pair",
    stack: "staging",
    patch: () => ({ "berth:services": { ...services("staging"), web: { ...services("staging").web, memory: 4096 } } }),
    key: "berth:services.web.memory",
    value: 4096,
    allowed: "Fargate",
  },
  {
    title: "log retention",
    stack: "staging",
    patch: () => ({ "berth:logs": { retentionDays: 10 } }),
    key: "berth:logs.retentionDays",
    value: 10,
    allowed: "one of 1, 3, 5, 7, 14, 30",
  },
  {
    title: "prod desiredCount below 2",
    stack: "prod",
    patch: () => ({ "berth:services": { ...services("prod"), web: { ...services("prod").web, desiredCount: 1 } } }),
    key: "berth:services.web.desiredCount",
    value: 1,
    allowed: "prod runs at least 2",
  },
];

function configFor(c: Case): Record<string, string> {
  const base: Record<string, string> = { ...fixtureStackConfig(c.stack), "berth:imageSha": SHA };
  for (const [key, value] of Object.entries(c.patch(base)))
    base[key] = typeof value === "string" ? value : JSON.stringify(value);
  return base;
}

test(`${cases.length} invalid configurations are each rejected with key, value and what is allowed, registering nothing`, async () => {
  assert.ok(cases.length >= 15);
  // First the committed staging stack file as it is: it loads and registers resources, so each case below fails for
  // its own reason, and the re-evaluation of the program per case really registers when the config is valid.
  const [valid, ...results] = await captureOutcomes([
    { stack: "staging", config: { ...fixtureStackConfig("staging"), "berth:imageSha": SHA } },
    ...cases.map((c) => ({ stack: c.stack, config: configFor(c) })),
  ]);
  assert.equal(valid.error, undefined);
  assert.ok(valid.resources > 20, `the valid staging config registered only ${valid.resources} resources`);
  results.forEach((result, i) => {
    const c = cases[i];
    assert.equal(result.errorName, "ConfigError", `${c.title}: ${result.error}`);
    assert.equal(result.resources, 0, `${c.title}: registered ${result.resources} resources`);
    const line = result.error!.split("\n").find((l) => l.includes(`${c.key}: got `));
    assert.ok(line, `${c.title}: no problem for ${c.key} in\n${result.error}`);
    assert.ok(line.includes(`${c.key}: got ${JSON.stringify(c.value)}; allowed: `), `${c.title}: ${line}`);
    assert.ok(line.includes(c.allowed), `${c.title}: "${c.allowed}" not in ${line}`);
    assert.match(result.error!, /nothing was registered/);
  });
});
