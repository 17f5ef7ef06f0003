/**
 * Every rule of the pack: at least one input that passes and one that fails (with the reason in the message).
 * Rules are called directly with inputs shaped like the ones captured under mocks; no PolicyPack is constructed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { berthRules, renderRuleTable, ruleMetadata, type BerthRule } from "../../policy/rules";
import { checkPackConfig, enforcementLevelOf, evaluateRules, packAnalyzer } from "../../offline/evaluate";
import { parsePackConfig, reconcilePackConfig, UNKNOWN } from "../../offline/analyzerClient";
import { subject, taskDefinition, violationsOf, violationsOfStack } from "./ruleHarness";
import { dockerResourceCases } from "./dockerCases";
import { deploymentResourceCases, deploymentStackCases } from "./deploymentCases";
import * as fs from "node:fs";
import * as path from "node:path";

const rule = (name: string): BerthRule => {
  const r = berthRules.find((x) => x.name === name);
  if (!r) throw new Error(`no rule ${name}`);
  return r;
};

interface Case {
  type: string;
  pass: Record<string, any>[];
  /** [inputs, a fragment the violation message must contain] */
  fail: [Record<string, any>, string | RegExp][];
}

const REPO = "aws:ecr/repository:Repository";
const goodRepo = {
  name: "berth",
  imageTagMutability: "IMMUTABLE",
  imageScanningConfiguration: { scanOnPush: true },
  encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: "arn:aws:kms:eu-west-1:111111111111:key/x" }],
  forceDelete: false,
};
const TD = "aws:ecs/taskDefinition:TaskDefinition";
const SVC = "aws:ecs/service:Service";
const goodService = {
  launchType: "FARGATE",
  desiredCount: 1,
  networkConfiguration: { assignPublicIp: false, subnets: ["subnet-1"], securityGroups: ["sg-1"] },
  deploymentCircuitBreaker: { enable: true, rollback: true },
  enableExecuteCommand: false,
};
const LB = "aws:lb/loadBalancer:LoadBalancer";
const goodLb = {
  loadBalancerType: "application",
  dropInvalidHeaderFields: true,
  desyncMitigationMode: "defensive",
  accessLogs: { bucket: "logs", enabled: true },
  enableDeletionProtection: true,
};
const LISTENER = "aws:lb/listener:Listener";
const TG = "aws:lb/targetGroup:TargetGroup";
const goodTg = {
  protocol: "HTTP",
  port: 8080,
  targetType: "ip",
  deregistrationDelay: 15,
  healthCheck: { enabled: true, path: "/health" },
};
const AR = "gcp:artifactregistry/repository:Repository";
const goodAr = {
  repositoryId: "berth",
  format: "DOCKER",
  vulnerabilityScanningConfig: { enablementConfig: "INHERITED" },
  cleanupPolicies: [{ id: "untagged", action: "DELETE" }],
  cleanupPolicyDryRun: false,
};
const doc = (statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const githubTrust = (condition: object) =>
  doc([
    {
      Effect: "Allow",
      Principal: { Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: condition,
    },
  ]);

const resourceCases: Record<string, Case> = {
  "berth-ecr-scan-on-push": {
    type: REPO,
    pass: [goodRepo],
    fail: [
      [{ ...goodRepo, imageScanningConfiguration: { scanOnPush: false } }, "scanOnPush"],
      [{ ...goodRepo, imageScanningConfiguration: undefined }, "scanOnPush"],
    ],
  },
  "berth-ecr-immutable-tags": {
    type: REPO,
    pass: [
      goodRepo,
      {
        ...goodRepo,
        imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters: [{ filter: "buildcache-*", filterType: "WILDCARD" }],
      },
    ],
    fail: [
      [{ ...goodRepo, imageTagMutability: "MUTABLE" }, "MUTABLE"],
      [{ ...goodRepo, imageTagMutability: undefined }, "default"],
      [
        {
          ...goodRepo,
          imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
          imageTagMutabilityExclusionFilters: [{ filter: "*", filterType: "WILDCARD" }],
        },
        "deploy tags mutable",
      ],
      [
        {
          ...goodRepo,
          imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
          imageTagMutabilityExclusionFilters: [{ filter: "v1*", filterType: "WILDCARD" }],
        },
        "v1.2.3-",
      ],
    ],
  },
  "berth-ecr-kms-encryption": {
    type: REPO,
    pass: [goodRepo],
    fail: [
      [{ ...goodRepo, encryptionConfigurations: [{ encryptionType: "AES256" }] }, "KMS"],
      [{ ...goodRepo, encryptionConfigurations: undefined }, "KMS"],
    ],
  },
  "berth-ecr-no-force-delete": {
    type: REPO,
    pass: [goodRepo, { ...goodRepo, forceDelete: undefined }],
    fail: [[{ ...goodRepo, forceDelete: true }, "forceDelete"]],
  },
  "berth-ecr-policy-not-public": {
    type: "aws:ecr/repositoryPolicy:RepositoryPolicy",
    pass: [
      {
        repository: "berth",
        policy: doc([
          {
            Sid: "pull",
            Effect: "Allow",
            Principal: { AWS: ["arn:aws:iam::111111111111:role/exec"] },
            Action: ["ecr:BatchGetImage"],
          },
        ]),
      },
    ],
    fail: [
      [
        {
          repository: "berth",
          policy: doc([{ Sid: "anyone", Effect: "Allow", Principal: "*", Action: ["ecr:BatchGetImage"] }]),
        },
        "anyone",
      ],
      [
        {
          repository: "berth",
          policy: doc([{ Sid: "aws-star", Effect: "Allow", Principal: { AWS: "*" }, Action: ["ecr:BatchGetImage"] }]),
        },
        "aws-star",
      ],
      [{ repository: "berth", policy: "{not json" }, "not valid JSON"],
    ],
  },
  "berth-ecr-registry-scanning": {
    type: "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
    pass: [
      {
        scanType: "ENHANCED",
        rules: [{ scanFrequency: "CONTINUOUS_SCAN", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] }],
      },
    ],
    fail: [
      [
        {
          scanType: "BASIC",
          rules: [{ scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] }],
        },
        "ENHANCED",
      ],
      [{ scanType: "ENHANCED", rules: [] }, "no rule scans"],
    ],
  },
  "berth-ar-vulnerability-scanning": {
    type: AR,
    pass: [goodAr, { ...goodAr, vulnerabilityScanningConfig: undefined }],
    fail: [[{ ...goodAr, vulnerabilityScanningConfig: { enablementConfig: "DISABLED" } }, "DISABLED"]],
  },
  "berth-ar-cleanup-policies": {
    type: AR,
    pass: [goodAr],
    fail: [
      [{ ...goodAr, cleanupPolicies: [] }, "empty"],
      [{ ...goodAr, cleanupPolicyDryRun: true }, "cleanupPolicyDryRun"],
    ],
  },
  "berth-ecs-readonly-root": {
    type: TD,
    pass: [taskDefinition()],
    fail: [
      [taskDefinition({ readonlyRootFilesystem: false }), "readonlyRootFilesystem"],
      [taskDefinition({ readonlyRootFilesystem: undefined }), "readonlyRootFilesystem"],
      [{ ...taskDefinition(), containerDefinitions: "nope" }, "not a JSON array"],
    ],
  },
  "berth-ecs-non-root-user": {
    type: TD,
    pass: [taskDefinition(), taskDefinition({ user: "app" })],
    fail: [
      [taskDefinition({ user: undefined }), "not set"],
      [taskDefinition({ user: "root" }), "root"],
      [taskDefinition({ user: "0:0" }), "root"],
      [taskDefinition({ user: "0" }), "root"],
    ],
  },
  "berth-ecs-not-privileged": {
    type: TD,
    pass: [taskDefinition(), taskDefinition({ privileged: undefined })],
    fail: [[taskDefinition({ privileged: true }), "privileged"]],
  },
  "berth-ecs-capabilities-dropped": {
    type: TD,
    pass: [taskDefinition()],
    fail: [
      [taskDefinition({ linuxParameters: undefined }), '"ALL"'],
      [taskDefinition({ linuxParameters: { capabilities: { drop: ["NET_RAW"] } } }), '"ALL"'],
      [taskDefinition({ linuxParameters: { capabilities: { drop: ["ALL"], add: ["SYS_PTRACE"] } } }), "SYS_PTRACE"],
    ],
  },
  "berth-ecs-health-check": {
    type: TD,
    pass: [taskDefinition(), taskDefinition({ essential: false, healthCheck: undefined })],
    fail: [
      [taskDefinition({ healthCheck: undefined }), "healthCheck"],
      [taskDefinition({ healthCheck: { command: ["NONE"] } }), "healthCheck"],
    ],
  },
  "berth-ecs-awslogs-non-blocking": {
    type: TD,
    pass: [taskDefinition()],
    fail: [
      [taskDefinition({ logConfiguration: undefined }), "no logConfiguration"],
      [taskDefinition({ logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "g" } } }), "blocking"],
      [
        taskDefinition({
          logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "g", mode: "blocking" } },
        }),
        "blocking",
      ],
      [
        taskDefinition({
          logConfiguration: { logDriver: "splunk", options: { "awslogs-group": "g", mode: "non-blocking" } },
        }),
        "splunk",
      ],
    ],
  },
  "berth-ecs-memory-limits": {
    type: TD,
    pass: [taskDefinition(), taskDefinition({ memory: 512 }, { memory: undefined })],
    fail: [
      [taskDefinition({}, { memory: undefined }), "neither"],
      [taskDefinition({ memory: 1024 }), "exceeds"],
    ],
  },
  "berth-ecs-image-digest": {
    type: TD,
    pass: [taskDefinition()],
    fail: [
      [taskDefinition({ image: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/berth:latest" }), "latest"],
      [
        taskDefinition({
          image: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/berth:0123456789abcdef0123456789abcdef01234567",
        }),
        "not pinned by digest",
      ],
      [taskDefinition({ image: `berth:latest@sha256:${"b".repeat(64)}` }), "latest"],
    ],
  },
  "berth-ecs-no-env-secrets": {
    type: TD,
    pass: [
      taskDefinition(),
      taskDefinition({
        environment: [
          { name: "Berth__ServiceName", value: "web" },
          { name: "TOKENIZER_MODE", value: "fast" },
        ],
      }),
    ],
    fail: [
      [taskDefinition({ environment: [{ name: "DB_PASSWORD", value: "x" }] }), "DB_PASSWORD"],
      [taskDefinition({ environment: [{ name: "AWS_SECRET_ACCESS_KEY", value: "x" }] }), "AWS_SECRET_ACCESS_KEY"],
      [taskDefinition({ environment: [{ name: "Github__Token", value: "x" }] }), "Github__Token"],
      [taskDefinition({ environment: [{ name: "UPSTREAM", value: "AKIAABCDEFGHIJKLMNOP" }] }), "AWS access key"],
      [
        taskDefinition({ environment: [{ name: "DATABASE_URL", value: "postgres://app:hunter2@db:5432/app" }] }),
        "password in a URL",
      ],
    ],
  },
  "berth-ecs-no-host-network": {
    type: TD,
    pass: [taskDefinition()],
    fail: [
      [taskDefinition({}, { networkMode: "host" }), "host"],
      [taskDefinition({}, { networkMode: undefined }), "bridge"],
    ],
  },
  "berth-ecs-no-host-pid": {
    type: TD,
    pass: [taskDefinition(), taskDefinition({}, { pidMode: "task" })],
    fail: [
      [taskDefinition({}, { pidMode: "host" }), "pidMode"],
      [taskDefinition({}, { ipcMode: "host" }), "ipcMode"],
    ],
  },
  "berth-ecs-separate-roles": {
    type: TD,
    pass: [taskDefinition(), taskDefinition({}, { taskRoleArn: undefined })],
    fail: [[taskDefinition({}, { taskRoleArn: "arn:aws:iam::111111111111:role/exec" }), "equals"]],
  },
  "berth-ecs-no-public-ip": {
    type: SVC,
    pass: [goodService],
    fail: [
      [
        { ...goodService, networkConfiguration: { ...goodService.networkConfiguration, assignPublicIp: true } },
        "assignPublicIp",
      ],
      [{ ...goodService, networkConfiguration: undefined }, "no networkConfiguration"],
    ],
  },
  "berth-ecs-circuit-breaker": {
    type: SVC,
    pass: [goodService],
    fail: [
      [{ ...goodService, deploymentCircuitBreaker: undefined }, "enable"],
      [{ ...goodService, deploymentCircuitBreaker: { enable: true, rollback: false } }, "rollback"],
    ],
  },
  "berth-ecs-platform-latest": {
    type: SVC,
    pass: [
      goodService,
      { ...goodService, platformVersion: "LATEST" },
      {
        ...goodService,
        launchType: undefined,
        capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
      },
    ],
    fail: [
      [{ ...goodService, platformVersion: "1.3.0" }, "1.3.0"],
      [{ ...goodService, launchType: "EC2" }, "Fargate"],
    ],
  },
  "berth-ecs-exec-disabled": {
    type: SVC,
    pass: [goodService],
    fail: [[{ ...goodService, enableExecuteCommand: true }, "enableExecuteCommand"]],
  },
  "berth-ecs-fault-injection-off": {
    type: TD,
    pass: [taskDefinition(), { ...taskDefinition(), enableFaultInjection: false }],
    fail: [[{ ...taskDefinition(), enableFaultInjection: true }, "enableFaultInjection is true"]],
  },
  "berth-ecs-container-insights": {
    type: "aws:ecs/cluster:Cluster",
    pass: [
      { settings: [{ name: "containerInsights", value: "enhanced" }] },
      { settings: [{ name: "containerInsights", value: "enabled" }] },
    ],
    fail: [
      [{ settings: [{ name: "containerInsights", value: "disabled" }] }, "disabled"],
      [{ settings: [] }, "absent"],
    ],
  },
  "berth-ecs-exec-logging": {
    type: "aws:ecs/cluster:Cluster",
    pass: [
      {
        configuration: {
          executeCommandConfiguration: {
            kmsKeyId: "arn:key",
            logging: "OVERRIDE",
            logConfiguration: { cloudWatchLogGroupName: "/exec", cloudWatchEncryptionEnabled: true },
          },
        },
      },
    ],
    fail: [
      [{}, "not set"],
      [{ configuration: { executeCommandConfiguration: { logging: "DEFAULT" } } }, "kmsKeyId"],
      [{ configuration: { executeCommandConfiguration: { kmsKeyId: "arn:key", logging: "NONE" } } }, "NONE"],
      [
        {
          configuration: {
            executeCommandConfiguration: {
              kmsKeyId: "arn:key",
              logging: "OVERRIDE",
              logConfiguration: { cloudWatchLogGroupName: "/exec" },
            },
          },
        },
        "encrypted",
      ],
    ],
  },
  "berth-sg-authorized-public-ports": {
    type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    pass: [
      { cidrIpv4: "0.0.0.0/0", fromPort: 443, toPort: 443, ipProtocol: "tcp" },
      { cidrIpv4: "10.0.0.0/16", fromPort: 0, toPort: 65535, ipProtocol: "tcp" },
      { referencedSecurityGroupId: "sg-1", fromPort: 8080, toPort: 8080, ipProtocol: "tcp" },
    ],
    fail: [
      [{ cidrIpv4: "0.0.0.0/0", fromPort: 22, toPort: 22, ipProtocol: "tcp" }, "ports 22-22"],
      [{ cidrIpv6: "::/0", fromPort: 8080, toPort: 8080, ipProtocol: "tcp" }, "::/0"],
      [{ cidrIpv4: "0.0.0.0/0", ipProtocol: "-1" }, "every port"],
      [{ cidrIpv4: "0.0.0.0/0", fromPort: 0, toPort: 65535, ipProtocol: "tcp" }, "0-65535"],
    ],
  },
  "berth-vpc-subnet-no-auto-public-ip": {
    type: "aws:ec2/subnet:Subnet",
    pass: [{ cidrBlock: "10.0.0.0/20", mapPublicIpOnLaunch: false }, { cidrBlock: "10.0.0.0/20" }],
    fail: [[{ cidrBlock: "10.0.0.0/20", mapPublicIpOnLaunch: true }, "mapPublicIpOnLaunch"]],
  },
  "berth-logs-kms": {
    type: "aws:cloudwatch/logGroup:LogGroup",
    pass: [{ retentionInDays: 30, kmsKeyId: "arn:key" }],
    fail: [[{ retentionInDays: 30 }, "kmsKeyId"]],
  },
  "berth-github-environment-branches": {
    type: "github:index/repositoryEnvironment:RepositoryEnvironment",
    pass: [
      {
        environment: "staging",
        repository: "berth",
        canAdminsBypass: false,
        deploymentBranchPolicy: { customBranchPolicies: true, protectedBranches: false },
      },
    ],
    fail: [
      [{ environment: "staging", repository: "berth", canAdminsBypass: false }, "no deploymentBranchPolicy"],
      [
        {
          environment: "staging",
          repository: "berth",
          canAdminsBypass: true,
          deploymentBranchPolicy: { customBranchPolicies: false, protectedBranches: true },
        },
        "canAdminsBypass",
      ],
      [
        {
          environment: "staging",
          repository: "berth",
          deploymentBranchPolicy: { customBranchPolicies: true, protectedBranches: false },
        },
        "canAdminsBypass",
      ],
    ],
  },
  "berth-github-environment-reviewers": {
    type: "github:index/repositoryEnvironment:RepositoryEnvironment",
    pass: [
      {
        environment: "production",
        repository: "berth",
        reviewers: [{ teams: [1234567], users: [] }],
        preventSelfReview: true,
      },
    ],
    fail: [
      [{ environment: "production", repository: "berth", reviewers: [] }, "no required reviewers"],
      [
        { environment: "production", repository: "berth", reviewers: [{ users: [42] }], preventSelfReview: false },
        "preventSelfReview",
      ],
    ],
  },
  "berth-alb-tls13-policy": {
    type: LISTENER,
    pass: [
      { protocol: "HTTPS", port: 443, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", certificateArn: "arn:cert" },
      { protocol: "HTTP", port: 80 },
    ],
    fail: [
      [{ protocol: "HTTPS", port: 443, sslPolicy: "ELBSecurityPolicy-2016-08" }, "2016-08"],
      [{ protocol: "HTTPS", port: 443, sslPolicy: "ELBSecurityPolicy-TLS13-1-0-2021-06" }, "TLS13-1-0"],
      [{ protocol: "HTTPS", port: 443 }, "default"],
    ],
  },
  "berth-alb-http-redirects": {
    type: LISTENER,
    pass: [
      {
        protocol: "HTTP",
        port: 80,
        defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      },
      { protocol: "HTTPS", port: 443, defaultActions: [{ type: "forward", targetGroupArn: "tg" }] },
    ],
    fail: [
      [{ protocol: "HTTP", port: 80, defaultActions: [{ type: "forward", targetGroupArn: "tg" }] }, "forward"],
      [
        { protocol: "HTTP", port: 80, defaultActions: [{ type: "redirect", redirect: { protocol: "HTTP" } }] },
        "redirect",
      ],
    ],
  },
  "berth-alb-drop-invalid-headers": {
    type: LB,
    pass: [goodLb, { ...goodLb, loadBalancerType: "network", dropInvalidHeaderFields: undefined }],
    fail: [
      [{ ...goodLb, dropInvalidHeaderFields: false }, "dropInvalidHeaderFields"],
      [{ ...goodLb, dropInvalidHeaderFields: undefined }, "dropInvalidHeaderFields"],
    ],
  },
  "berth-alb-desync-mitigation": {
    type: LB,
    pass: [goodLb, { ...goodLb, desyncMitigationMode: "strictest" }],
    fail: [[{ ...goodLb, desyncMitigationMode: "monitor" }, "monitor"]],
  },
  "berth-alb-access-logs": {
    type: LB,
    pass: [goodLb],
    fail: [
      [{ ...goodLb, accessLogs: { bucket: "logs", enabled: false } }, "accessLogs"],
      [{ ...goodLb, accessLogs: undefined }, "accessLogs"],
    ],
  },
  "berth-alb-deletion-protection": {
    type: LB,
    pass: [goodLb],
    fail: [
      [{ ...goodLb, enableDeletionProtection: false }, "enableDeletionProtection"],
      [{ ...goodLb, enableDeletionProtection: undefined }, "enableDeletionProtection"],
    ],
  },
  "berth-tg-health-check": {
    type: TG,
    pass: [goodTg],
    fail: [
      [{ ...goodTg, healthCheck: { enabled: false, path: "/health" } }, "enabled is false"],
      [{ ...goodTg, healthCheck: { enabled: true } }, "path"],
      [{ ...goodTg, healthCheck: undefined }, "path"],
    ],
  },
  "berth-tg-deregistration-delay": {
    type: TG,
    pass: [goodTg, { ...goodTg, deregistrationDelay: 60 }],
    fail: [
      [{ ...goodTg, deregistrationDelay: 61 }, "61 s"],
      [{ ...goodTg, deregistrationDelay: undefined }, "300 s"],
    ],
  },
  "berth-logs-retention": {
    type: "aws:cloudwatch/logGroup:LogGroup",
    pass: [{ name: "/berth/web", retentionInDays: 30 }],
    fail: [
      [{ name: "/berth/web" }, "not set"],
      [{ name: "/berth/web", retentionInDays: 0 }, "not set"],
    ],
  },
  "berth-kms-key-rotation": {
    type: "aws:kms/key:Key",
    pass: [{ enableKeyRotation: true }, { customerMasterKeySpec: "RSA_2048", enableKeyRotation: false }],
    fail: [
      [{ enableKeyRotation: false }, "enableKeyRotation"],
      [{}, "enableKeyRotation"],
    ],
  },
  "berth-iam-no-wildcard-actions": {
    type: "aws:iam/rolePolicy:RolePolicy",
    pass: [
      {
        role: "r",
        policy: doc([
          { Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
          { Effect: "Deny", Action: "*", Resource: "*" },
        ]),
      },
    ],
    fail: [
      [{ role: "r", policy: doc([{ Effect: "Allow", Action: "*", Resource: "*" }]) }, "allows *"],
      [{ role: "r", policy: doc([{ Effect: "Allow", Action: ["ecs:*"], Resource: "*" }]) }, "ecs:*"],
      [{ role: "r", policy: doc([{ Effect: "Allow", NotAction: ["iam:*"], Resource: "*" }]) }, "NotAction"],
    ],
  },
  "berth-iam-task-role-resources": {
    type: "aws:iam/rolePolicy:RolePolicy",
    pass: [
      {
        role: "r",
        name: "app",
        policy: doc([{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/*"] }]),
      },
      // Another policy of the program (the execution role's token call has no resource-level permission).
      {
        role: "r",
        name: "execution",
        policy: doc([{ Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" }]),
      },
      { role: "r", name: "app", policy: doc([{ Effect: "Deny", Action: ["s3:*"], Resource: "*" }]) },
    ],
    fail: [
      [
        { role: "r", name: "app", policy: doc([{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" }]) },
        "s3:GetObject on every resource",
      ],
      [
        {
          role: "r",
          name: "app",
          policy: doc([
            { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: ["arn:aws:sqs:eu-west-1:111111111111:q", "*"] },
          ]),
        },
        'Resource "*"',
      ],
      [
        {
          role: "r",
          name: "app",
          policy: doc([{ Effect: "Allow", Action: ["s3:GetObject"], NotResource: ["arn:aws:s3:::b/*"] }]),
        },
        "NotResource",
      ],
    ],
  },
  "berth-iam-role-permissions-boundary": {
    type: "aws:iam/role:Role",
    pass: [
      {
        assumeRolePolicy: doc([
          { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]),
        permissionsBoundary: "arn:aws:iam::111111111111:policy/berth-staging-role-boundary",
      },
      // The delivery identity (assumed through GitHub's OIDC provider): written from a laptop, not by CI.
      {
        assumeRolePolicy: githubTrust({
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:acme/berth:environment:staging",
          },
        }),
      },
    ],
    fail: [
      [
        {
          assumeRolePolicy: doc([
            { Effect: "Allow", Principal: { Service: ["vpc-flow-logs.amazonaws.com"] }, Action: "sts:AssumeRole" },
          ]),
        },
        "vpc-flow-logs.amazonaws.com and has no permissionsBoundary",
      ],
    ],
  },
  "berth-iam-github-oidc-subject": {
    type: "aws:iam/role:Role",
    pass: [
      {
        assumeRolePolicy: githubTrust({
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:acme/berth:environment:staging",
          },
        }),
      },
      {
        // The id-based subject of the Delivery component's template (infra/delivery/githubEnvironment.ts GITHUB_SUBJECT_CLAIM_KEYS).
        assumeRolePolicy: githubTrust({
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repository_owner_id:65:repository_id:74:environment:staging",
          },
        }),
      },
      {
        assumeRolePolicy: doc([
          { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]),
      },
    ],
    fail: [
      [
        {
          assumeRolePolicy: githubTrust({
            StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
          }),
        },
        "without a :sub",
      ],
      [
        {
          assumeRolePolicy: githubTrust({
            StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
            StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*" },
          }),
        },
        "does not pin",
      ],
      [
        {
          assumeRolePolicy: githubTrust({
            StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
            StringLike: { "token.actions.githubusercontent.com:sub": "repository_owner_id:65:repository_id:*" },
          }),
        },
        "does not pin",
      ],
      [
        {
          assumeRolePolicy: githubTrust({
            StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/berth:*" },
          }),
        },
        ":aud",
      ],
    ],
  },
  "berth-gcp-wif-attribute-condition": {
    type: "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
    pass: [
      {
        oidc: { issuerUri: "https://token.actions.githubusercontent.com" },
        attributeCondition: "assertion.repository == 'acme/berth'",
      },
    ],
    fail: [[{ oidc: { issuerUri: "https://token.actions.githubusercontent.com" } }, "attributeCondition"]],
  },
  // Docker containers (the local stack): tests/policy/dockerCases.ts.
  ...dockerResourceCases,
  // ECS deployments: tests/policy/deploymentCases.ts.
  ...deploymentResourceCases,
};

const ecrRepo = (name: string) => subject(REPO, { ...goodRepo, name }, name);
const lifecycle = (repository: string, rules: unknown[] = [{ rulePriority: 1 }]) =>
  subject(
    "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    { repository, policy: JSON.stringify({ rules }) },
    `${repository}-lifecycle`,
  );
const bucket = (name: string) => subject("aws:s3/bucket:Bucket", { bucket: name, arn: `arn:aws:s3:::${name}` }, name);
const pab = (b: string, off: string[] = []) =>
  subject(
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    Object.fromEntries([
      ["bucket", b],
      ...["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].map((k) => [
        k,
        !off.includes(k),
      ]),
    ]),
    `${b}-pab`,
  );
const sse = (b: string) =>
  subject(
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    { bucket: b, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
    `${b}-sse`,
  );
const bucketPolicy = (b: string, statements: object[]) =>
  subject("aws:s3/bucketPolicy:BucketPolicy", { bucket: b, policy: doc(statements) }, `${b}-policy`);
const denyInsecure = {
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: "*",
  Condition: { Bool: { "aws:SecureTransport": "false" } },
};
const alb = (arn: string) => subject(LB, { ...goodLb, arn }, "alb");
const listener = (lbArn: string, protocol: string, cert?: string) =>
  subject(LISTENER, { loadBalancerArn: lbArn, protocol, certificateArn: cert }, `l-${protocol}`);

const vpc = (id: string) => subject("aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16", id }, `vpc-${id}`);
const defaultSg = (vpcId: string, rules: object[] = []) =>
  subject(
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    { vpcId, ingress: rules, egress: [] },
    `default-${vpcId}`,
  );
const flowLog = (vpcId: string, trafficType = "ALL") =>
  subject("aws:ec2/flowLog:FlowLog", { vpcId, trafficType, logDestinationType: "cloud-watch-logs" }, `flow-${vpcId}`);

const stackCases: Record<
  string,
  { pass: ReturnType<typeof subject>[][]; fail: [ReturnType<typeof subject>[], string][] }
> = {
  "berth-ecr-lifecycle-policy": {
    pass: [[ecrRepo("berth"), lifecycle("berth")]],
    fail: [
      [[ecrRepo("berth"), ecrRepo("cache"), lifecycle("berth")], "cache has no lifecycle policy"],
      [[ecrRepo("berth"), lifecycle("berth", [])], "no rules"],
    ],
  },
  "berth-vpc-default-sg-closed": {
    pass: [[vpc("vpc-1"), defaultSg("vpc-1")]],
    fail: [
      [[vpc("vpc-1")], "not managed"],
      [[vpc("vpc-1"), defaultSg("vpc-1", [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }])], "has rules"],
      [[vpc("vpc-1"), defaultSg("vpc-2")], "not managed"],
    ],
  },
  "berth-vpc-flow-logs": {
    pass: [
      [vpc("vpc-1"), flowLog("vpc-1")],
      [vpc("vpc-1"), flowLog("vpc-1", "REJECT")],
      // The engine's stack view has outputs without `id`: the VPC is known by its ARN.
      [subject("aws:ec2/vpc:Vpc", { arn: "arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-1" }, "vpc"), flowLog("vpc-1")],
    ],
    fail: [
      [[vpc("vpc-1")], "no flow log"],
      [[vpc("vpc-1"), flowLog("vpc-1", "ACCEPT")], "no flow log"],
      [[vpc("vpc-1"), flowLog("vpc-2")], "no flow log"],
    ],
  },
  "berth-alb-https": {
    pass: [[alb("arn:lb"), listener("arn:lb", "HTTPS", "arn:cert"), listener("arn:lb", "HTTP")]],
    fail: [
      [[alb("arn:lb"), listener("arn:lb", "HTTP")], "no HTTPS listener"],
      [[alb("arn:lb"), listener("arn:lb", "HTTPS")], "no HTTPS listener"],
      [[alb("arn:lb"), listener("arn:other", "HTTPS", "arn:cert")], "no HTTPS listener"],
    ],
  },
  "berth-s3-public-access-block": {
    pass: [[bucket("logs"), pab("logs")]],
    fail: [
      [[bucket("logs")], "no public access block"],
      [[bucket("logs"), pab("logs", ["restrictPublicBuckets"])], "restrictPublicBuckets"],
      [[bucket("logs"), pab("other")], "no public access block"],
    ],
  },
  "berth-s3-encryption": {
    pass: [[bucket("logs"), sse("logs")]],
    fail: [
      [[bucket("logs")], "no default encryption"],
      [[bucket("logs"), sse("other")], "no default encryption"],
    ],
  },
  "berth-s3-tls-only": {
    pass: [[bucket("logs"), bucketPolicy("logs", [denyInsecure])]],
    fail: [
      [[bucket("logs")], "without TLS"],
      [
        [
          bucket("logs"),
          bucketPolicy("logs", [
            {
              Effect: "Allow",
              Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
              Action: "s3:PutObject",
              Resource: "*",
            },
          ]),
        ],
        "without TLS",
      ],
    ],
  },
  ...deploymentStackCases,
};

test("every rule of the pack has passing and failing cases in this file", () => {
  const covered = new Set([...Object.keys(resourceCases), ...Object.keys(stackCases)]);
  const missing = berthRules.map((r) => r.name).filter((n) => !covered.has(n));
  assert.deepEqual(missing, [], "rules without a failing-case test");
  const unknown = [...covered].filter((n) => !berthRules.some((r) => r.name === n));
  assert.deepEqual(unknown, [], "cases for rules that do not exist");
  for (const c of Object.values(resourceCases)) assert.ok(c.pass.length > 0 && c.fail.length > 0);
  for (const c of Object.values(stackCases)) assert.ok(c.pass.length > 0 && c.fail.length > 0);
});

for (const [name, c] of Object.entries(resourceCases)) {
  test(`${name}: passes its hardened inputs and names the problem in each failing one`, async () => {
    const r = rule(name);
    assert.equal(r.kind, "resource");
    for (const props of c.pass)
      assert.deepEqual(await violationsOf(r, c.type, props), [], `expected no violation for ${JSON.stringify(props)}`);
    for (const [props, fragment] of c.fail) {
      const messages = await violationsOf(r, c.type, props);
      assert.ok(messages.length > 0, `expected a violation for ${JSON.stringify(props)}`);
      assert.ok(
        messages.some((m) => (typeof fragment === "string" ? m.includes(fragment) : fragment.test(m))),
        `expected ${fragment} in ${JSON.stringify(messages)}`,
      );
    }
    // CrossGuard calls every resource policy for every resource (node_modules/@pulumi/policy/server.js, Analyze: the
    // loop over `policies` skips only disabled ones and validations with an attached `__pulumiType`): the rule itself
    // must stay silent on a resource of another type, even one carrying the failing inputs.
    assert.deepEqual(await violationsOf(r, "aws:sns/topic:Topic", c.fail[0][0]), []);
  });
}

for (const [name, c] of Object.entries(stackCases)) {
  test(`${name}: stack-level rule passes a complete stack and names what is missing`, async () => {
    const r = rule(name);
    assert.equal(r.kind, "stack");
    for (const resources of c.pass) assert.deepEqual(await violationsOfStack(r, resources), []);
    for (const [resources, fragment] of c.fail) {
      const messages = await violationsOfStack(r, resources);
      assert.ok(
        messages.some((m) => m.includes(fragment)),
        `expected ${fragment} in ${JSON.stringify(messages)}`,
      );
    }
  });
}

test("the alb.* aliases are checked like lb.*", async () => {
  assert.ok(
    (
      await violationsOf(rule("berth-alb-drop-invalid-headers"), "aws:alb/loadBalancer:LoadBalancer", {
        ...goodLb,
        dropInvalidHeaderFields: false,
      })
    ).length > 0,
  );
  assert.ok(
    (
      await violationsOf(rule("berth-alb-http-redirects"), "aws:alb/listener:Listener", {
        protocol: "HTTP",
        port: 80,
        defaultActions: [{ type: "forward" }],
      })
    ).length > 0,
  );
});

test("rule settings come from the pack config: retention minimum and deregistration limit", async () => {
  const logs = rule("berth-logs-retention");
  assert.deepEqual(await violationsOf(logs, "aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 30 }), []);
  assert.match(
    (
      await violationsOf(
        logs,
        "aws:cloudwatch/logGroup:LogGroup",
        { retentionInDays: 30 },
        { "berth-logs-retention": { minimumDays: 365 } },
      )
    )[0],
    /below this stack's minimum of 365/,
  );
  assert.match(
    (
      await violationsOf(rule("berth-tg-deregistration-delay"), TG, goodTg, {
        "berth-tg-deregistration-delay": { maxSeconds: 10 },
      })
    )[0],
    /above 10 s/,
  );
  assert.deepEqual(
    await violationsOf(
      rule("berth-ecs-no-env-secrets"),
      TD,
      taskDefinition({ environment: [{ name: "SESSION_TOKEN", value: "x" }] }),
      { "berth-ecs-no-env-secrets": { allowedNames: ["SESSION_TOKEN"] } },
    ),
    [],
  );
});

test("enforcement levels: default per rule, per-rule config wins over `all`, disabled rules do not run", async () => {
  const ro = rule("berth-ecs-readonly-root");
  assert.equal(enforcementLevelOf(ro, {}), "mandatory");
  assert.equal(enforcementLevelOf(rule("berth-alb-deletion-protection"), {}), "advisory");
  assert.equal(enforcementLevelOf(ro, { all: "advisory" }), "advisory");
  assert.equal(
    enforcementLevelOf(ro, { all: "advisory", "berth-ecs-readonly-root": { enforcementLevel: "mandatory" } }),
    "mandatory",
  );
  const bad = [subject(TD, taskDefinition({ readonlyRootFilesystem: false }))];
  assert.equal((await evaluateRules(bad, { rules: [ro] })).violations[0].enforcementLevel, "mandatory");
  assert.equal(
    (await evaluateRules(bad, { rules: [ro], config: { "berth-ecs-readonly-root": "advisory" } })).violations[0]
      .enforcementLevel,
    "advisory",
  );
  const disabled = await evaluateRules(bad, { rules: [ro], config: { "berth-ecs-readonly-root": "disabled" } });
  assert.deepEqual(disabled.violations, []);
  assert.deepEqual(disabled.changedLevels, [{ rule: "berth-ecs-readonly-root", from: "mandatory", to: "disabled" }]);
});

test("a pack config naming an unknown rule or level is refused (a typo must not silently opt out)", () => {
  assert.throws(
    () => checkPackConfig({ "berth-ecs-readonly-rootfs": "disabled" }, "x.json"),
    /berth-ecs-readonly-rootfs: not a rule/,
  );
  assert.throws(() => checkPackConfig({ "berth-ecs-readonly-root": "off" }, "x.json"), /"off" is not one of/);
  assert.doesNotThrow(() =>
    checkPackConfig({ all: "advisory", "berth-ecs-readonly-root": { enforcementLevel: "disabled" } }, "x.json"),
  );
});

test("the checked-in pack configs are valid, and prod makes deletion protection and one-year log retention mandatory", () => {
  const dir = path.join(__dirname, "..", "..", "policy", "config");
  for (const f of fs.readdirSync(dir)) checkPackConfig(JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")), f);
  const prod = JSON.parse(fs.readFileSync(path.join(dir, "prod.json"), "utf8"));
  for (const r of [
    "berth-alb-deletion-protection",
    "berth-ecr-no-force-delete",
    "berth-ecs-exec-disabled",
    "berth-github-environment-reviewers",
  ])
    assert.equal(enforcementLevelOf(rule(r), prod), "mandatory", r);
  assert.equal(prod["berth-logs-retention"].minimumDays, 365);
});

test("every rule names a control, a remediation and resource types; ids are unique and berth-prefixed", () => {
  const names = berthRules.map((r) => r.name);
  assert.equal(new Set(names).size, names.length);
  for (const row of ruleMetadata) {
    assert.match(row.rule, /^berth-[a-z0-9-]+$/);
    assert.ok(row.control.length > 0, `${row.rule} has no control`);
    assert.ok(row.remediation.length > 0 && row.resourceTypes.length > 0);
    assert.ok(berthRules.find((r) => r.name === row.rule)!.description.includes(row.control));
  }
});

test("docs/policy.md carries the current rule table", () => {
  const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "policy.md"), "utf8");
  assert.ok(
    doc.includes(renderRuleTable()),
    'regenerate the table in docs/policy.md ("What the pack enforces"): node --import tsx offline/docsBlocks.ts --write',
  );
});

test("the pack policy/index.ts serves (GetAnalyzerInfo of the analyzer it starts) has exactly the rule table's policies, kinds, levels and schemas", async () => {
  // The CLI learns the pack's policies from GetAnalyzerInfo (node_modules/@pulumi/policy/protoutil.js
  // makeAnalyzerInfo, from the `policies` handed to `new PolicyPack`): a rule dropped from policy/index.ts is a
  // rule no `pulumi preview --policy-pack policy` runs.
  const { info } = await packAnalyzer();
  assert.equal(info.name, "berth-production");
  assert.deepEqual(
    info.policies.map((p) => [p.name, p.kind, p.enforcementLevel]),
    berthRules.map((r) => [r.name, r.kind, r.enforcementLevel]),
  );
  for (const p of info.policies)
    assert.deepEqual(p.configSchema?.properties, rule(p.name).configSchema?.properties as unknown, p.name);
});

test("the pack config is reconciled and schema-checked as the CLI does (pkg/resource/analyzer/config.go ReconcilePolicyPackConfig)", async () => {
  // Defaults from each schema, `all` first, then the rule's own entry; a value against the schema is refused.
  const { info } = await packAnalyzer();
  const { config, errors } = reconcilePackConfig(info.policies, {
    all: "advisory",
    "berth-logs-retention": { enforcementLevel: "mandatory", minimumDays: 365 },
  });
  assert.deepEqual(errors, []);
  assert.deepEqual(config["berth-logs-retention"], { enforcementLevel: "mandatory", properties: { minimumDays: 365 } });
  assert.deepEqual(config["berth-tg-deregistration-delay"], {
    enforcementLevel: "advisory",
    properties: { maxSeconds: 60 },
  });
  assert.deepEqual(reconcilePackConfig(info.policies, { "berth-logs-retention": { minimumDays: 0 } }).errors, [
    "berth-logs-retention: minimumDays: Must be greater than or equal to 1",
  ]);
  assert.deepEqual(
    reconcilePackConfig(info.policies, { "berth-sg-authorized-public-ports": { authorizedPorts: ["443"] } }).errors,
    ["berth-sg-authorized-public-ports: authorizedPorts.0: Invalid type. Expected: integer, given: string"],
  );
  await assert.rejects(
    evaluateRules([], { config: { "berth-tg-deregistration-delay": { maxSeconds: 99999 } } }),
    /berth-tg-deregistration-delay: maxSeconds: Must be less than or equal to 3600/,
  );
  assert.throws(() => parsePackConfig({ "berth-ecs-readonly-root": "off" }), /"off" is not a valid enforcement level/);
});

test('preview: a rule reading an unknown value is reported only as advisory "can\'t run ... during preview" (node_modules/@pulumi/policy/server.js Analyze catch of proxy.js UnknownValueError)', async () => {
  const ev = await evaluateRules([subject(TD, { ...taskDefinition(), containerDefinitions: UNKNOWN })], {
    rules: [rule("berth-ecs-readonly-root")],
  });
  assert.deepEqual(ev.violations, [], "an unknown value must not count as a violation, nor as a pass");
  assert.deepEqual(ev.errors, []);
  assert.deepEqual(
    ev.cannotJudge.map((c) => [c.rule, c.message]),
    [["berth-ecs-readonly-root", "string value at .containerDefinitions can't be known during preview"]],
  );
});

test("preview: relational rules join on property dependencies (known in a first preview), not on ids and ARNs (unknown)", async () => {
  // What a first preview sends with AnalyzeStack: the bucket's name and id unknown, the block's `bucket` unknown but
  // depending on the bucket's URN (pulumi/pulumi step_generator.go AnalyzeResources: PropertyDependencies).
  const previewBucket = (name: string) => ({
    ...subject("aws:s3/bucket:Bucket", { bucket: UNKNOWN, id: UNKNOWN, arn: UNKNOWN }, name),
  });
  const dependentPab = (on: string) => ({
    ...pab("x"),
    props: { ...pab("x").props, bucket: UNKNOWN },
    propertyDependencies: { bucket: [on] },
  });
  const logs = previewBucket("logs");
  const s3 = rule("berth-s3-public-access-block");
  const judged = await evaluateRules([], { rules: [s3], stackResources: [logs, dependentPab(logs.urn)] });
  assert.deepEqual([judged.violations, judged.cannotJudge, judged.errors], [[], [], []]);
  const other = await evaluateRules([], {
    rules: [s3],
    stackResources: [logs, previewBucket("other"), dependentPab(logs.urn)],
  });
  assert.deepEqual(
    other.violations.map((v) => v.message),
    ["S3 bucket other has no public access block."],
  );
  const vpcPreview = subject("aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16", id: UNKNOWN, arn: UNKNOWN }, "vpc");
  const flow = {
    ...subject("aws:ec2/flowLog:FlowLog", { vpcId: UNKNOWN, trafficType: "ALL" }, "flow"),
    propertyDependencies: { vpcId: [vpcPreview.urn] },
  };
  const flows = await evaluateRules([], { rules: [rule("berth-vpc-flow-logs")], stackResources: [vpcPreview, flow] });
  assert.deepEqual([flows.violations, flows.cannotJudge], [[], []]);
});
