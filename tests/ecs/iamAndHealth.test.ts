// The pure IAM documents of a service (execution role, ECS Exec, log key, trust) and the time-to-healthy budget of
// every routed service of both stacks, computed from the settings. Direct calls, no Pulumi.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { logGroupKeyPolicy } from "../../infra/ecs/logGroupKey";
import {
  ecsTasksTrustPolicy,
  executeCommandPolicy,
  executionRolePolicy,
  secretResourceArn,
  serviceWarnings,
} from "../../infra/ecs/fargateService";
import { settingsFor } from "../support";

const REPO = "arn:aws:ecr:eu-west-1:111111111111:repository/berth";
const LOGS = "arn:aws:logs:eu-west-1:111111111111:log-group:/ecs/berth-staging/web";

describe("execution role policy", () => {
  test("without secrets: token (*), pull this repository, write this log group; nothing else", () => {
    const doc = executionRolePolicy({ ecrRepositoryArn: REPO, logGroupArn: LOGS, secrets: {} });
    assert.deepEqual(doc.Statement, [
      { Sid: "EcrAuthorizationToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      {
        Sid: "PullThisRepository",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        Resource: REPO,
      },
      {
        Sid: "WriteThisLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${LOGS}:log-stream:*`,
      },
    ]);
  });

  test("with secrets: read exactly the named parameters and secrets (JSON-key suffix stripped)", () => {
    const ssm = "arn:aws:ssm:eu-west-1:111111111111:parameter/berth/db";
    const sm = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:berth/api-AbCdEf";
    const doc = executionRolePolicy({
      ecrRepositoryArn: REPO,
      logGroupArn: LOGS,
      secrets: { DB_PASSWORD: ssm, API_TOKEN: `${sm}:token::`, API_USER: `${sm}:user::` },
    });
    const statements = doc.Statement as any[];
    assert.deepEqual(
      statements.find((s) => s.Sid === "ReadNamedParameters"),
      { Sid: "ReadNamedParameters", Effect: "Allow", Action: "ssm:GetParameters", Resource: [ssm] },
    );
    assert.deepEqual(
      statements.find((s) => s.Sid === "ReadNamedSecrets"),
      { Sid: "ReadNamedSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [sm] },
    );
    const wildcard = statements.filter(
      (s) => s.Resource === "*" || (Array.isArray(s.Resource) && s.Resource.includes("*")),
    );
    assert.deepEqual(
      wildcard.map((s) => s.Action),
      ["ecr:GetAuthorizationToken"],
    );
  });

  test("secretResourceArn keeps SSM ARNs and strips Secrets Manager selectors", () => {
    assert.equal(secretResourceArn("arn:aws:ssm:eu-west-1:1:parameter/a/b"), "arn:aws:ssm:eu-west-1:1:parameter/a/b");
    assert.equal(
      secretResourceArn("arn:aws:secretsmanager:eu-west-1:1:secret:x-AbCdEf:key:AWSCURRENT:"),
      "arn:aws:secretsmanager:eu-west-1:1:secret:x-AbCdEf",
    );
  });
});

describe("trust, ECS Exec and log key policies", () => {
  test("roles trust ECS tasks of this account and region only", () => {
    const doc = ecsTasksTrustPolicy("111111111111", "eu-west-1");
    assert.deepEqual((doc.Statement as any[])[0].Condition, {
      StringEquals: { "aws:SourceAccount": "111111111111" },
      ArnLike: { "aws:SourceArn": "arn:aws:ecs:eu-west-1:111111111111:*" },
    });
  });

  test("ECS Exec: message channels, and the cluster's session log group and key when given", () => {
    const bare = executeCommandPolicy();
    assert.deepEqual(
      (bare.Statement as any[]).map((s) => s.Sid),
      ["EcsExecChannels"],
    );
    const full = executeCommandPolicy({
      execLogGroupArn: "arn:aws:logs:eu-west-1:1:log-group:/berth/staging/ecs-exec",
      execKmsKeyArn: "arn:aws:kms:eu-west-1:1:key/k",
    });
    const st = full.Statement as any[];
    assert.equal(
      st.find((s) => s.Sid === "WriteExecSessionLogs").Resource,
      "arn:aws:logs:eu-west-1:1:log-group:/berth/staging/ecs-exec:log-stream:*",
    );
    assert.equal(st.find((s) => s.Sid === "ExecSessionKey").Resource, "arn:aws:kms:eu-west-1:1:key/k");
  });

  test("log key: CloudWatch Logs may use it for this log group only", () => {
    const doc = logGroupKeyPolicy({
      accountId: "111111111111",
      region: "eu-west-1",
      logGroupName: "/ecs/berth-staging/web",
    });
    const logs = (doc.Statement as any[]).find((s) => s.Sid === "CloudWatchLogsForThisLogGroupOnly");
    assert.deepEqual(logs.Principal, { Service: "logs.eu-west-1.amazonaws.com" });
    assert.deepEqual(logs.Condition.ArnEquals, { "kms:EncryptionContext:aws:logs:arn": LOGS });
  });
});

describe("service warnings (plan and stack output)", () => {
  test("none for the declared services of both stacks", () => {
    for (const stack of ["staging", "prod"] as const)
      for (const s of settingsFor(stack).services) assert.deepEqual(serviceWarnings(s), [], `${stack}/${s.name}`);
  });
  test("one per switched-off hardening setting, naming its key, and one for ECS Exec", () => {
    const s = settingsFor("staging", (x) => {
      x.worker!.hardening = { readonlyRootFilesystem: false, circuitBreakerRollback: false };
      x.worker!.enableExecuteCommand = true;
    });
    const warnings = serviceWarnings(s.services.find((x) => x.name === "worker")!);
    assert.deepEqual(
      warnings.map((w) => w.split(" is ")[0]),
      [
        "berth:services.worker.hardening.readonlyRootFilesystem",
        "berth:services.worker.hardening.circuitBreakerRollback",
        "berth:services.worker.enableExecuteCommand",
      ],
    );
  });
});
