/** ECS: task definitions (container hardening), services and clusters. */
import type { Unwrap } from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import { asArray, parseJsonDocument, resourceRule } from "./rule";
import { DIGEST_REFERENCE, isSecretLookingName, runsAsRoot } from "./securityLists";

export const ECS_TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
const ECS_SERVICE = "aws:ecs/service:Service";
const ECS_CLUSTER = "aws:ecs/cluster:Cluster";

type TaskDefinition = Unwrap<aws.ecs.TaskDefinitionArgs>;
type Service = Unwrap<aws.ecs.ServiceArgs>;
type Cluster = Unwrap<aws.ecs.ClusterArgs>;
/** A container definition as ECS reads it (the provider's own type: a misspelt field here fails the typecheck). */
type Container = Unwrap<aws.ecs.ContainerDefinition>;

/**
 * The containers of a task definition (`containerDefinitions` is a JSON string), or a string saying why they cannot
 * be read. Unknown during a real preview: the policy SDK then skips the rule with an advisory note.
 */
function containersOf(task: TaskDefinition): Container[] | string {
  const parsed = parseJsonDocument(task.containerDefinitions);
  if (!Array.isArray(parsed)) return "containerDefinitions is not a JSON array of container definitions.";
  return parsed as Container[];
}

/** Runs `check` on each container; reports `containerDefinitions` parse failures once. */
function eachContainer(
  task: TaskDefinition,
  report: (m: string) => void,
  check: (c: Container, label: string) => void,
): void {
  const containers = containersOf(task);
  if (typeof containers === "string") return report(containers);
  for (const c of containers) check(c, `container ${JSON.stringify(c.name ?? "(unnamed)")}`);
}

const ecsReadonlyRoot = resourceRule<TaskDefinition>({
  name: "berth-ecs-readonly-root",
  summary: "Containers have a read-only root filesystem.",
  controls: { fsbp: ["ECS.5"], checkov: ["CKV_AWS_336"], cis: ["CIS Docker 5.12"] },
  resourceTypes: [ECS_TASK_DEFINITION],
  remediationSteps: "Leave `berth:services.<name>.hardening.readonlyRootFilesystem` unset or true.",
  validate: (task, _a, report) =>
    eachContainer(task, report, (c, label) => {
      if (c.readonlyRootFilesystem !== true)
        report(`${label}: readonlyRootFilesystem is not true: the container can rewrite its own binaries.`);
    }),
});

export const ecsNonRootUser = resourceRule<TaskDefinition>({
  name: "berth-ecs-non-root-user",
  summary: "Containers run as an explicit non-root user.",
  controls: { fsbp: ["ECS.1"], cis: ["CIS Docker 4.1"] },
  resourceTypes: [ECS_TASK_DEFINITION],
  remediationSteps:
    "Leave `berth:services.<name>.hardening.nonRootUser` unset or true (the task definition then sets `user`).",
  validate: (task, _a, report) =>
    eachContainer(task, report, (c, label) => {
      const user = typeof c.user === "string" ? c.user.trim() : undefined;
      if (!user)
        report(
          `${label}: user is not set: the container runs as whatever the image says, root unless it says otherwise.`,
        );
      else if (runsAsRoot(user))
        report(
          `${label}: user is ${JSON.stringify(user)}: the container runs as root (uid 0) or in the root group (gid 0).`,
        );
    }),
});

const ecsNotPrivileged = resourceRule<TaskDefinition>({
  name: "berth-ecs-not-privileged",
  summary: "Containers are not privileged.",
  controls: { fsbp: ["ECS.4"], checkov: ["CKV_AWS_334"], cis: ["CIS Docker 5.4"] },
  resourceTypes: [ECS_TASK_DEFINITION],
  remediationSteps: "Remove `privileged` from the container definition.",
  validate: (task, _a, report) =>
    eachContainer(task, report, (c, label) => {
      if (c.privileged === true)
        report(`${label}: privileged is true: the container gets every capability and host devices.`);
    }),
});

const ecsCapabilitiesDropped = resourceRule<TaskDefinition>({
  name: "berth-ecs-capabilities-dropped",
  summary: "Containers drop ALL Linux capabilities and add none back.",
  controls: { cis: ["CIS Docker 5.3"] },
  resourceTypes: [ECS_TASK_DEFINITION],
  remediationSteps: "Leave `berth:services.<name>.hardening.dropAllCapabilities` unset or true.",
  validate: (task, _a, report) =>
    eachContainer(task, report, (c, label) => {
      const caps = c.linuxParameters?.capabilities;
      if (!asArray(caps?.drop).includes("ALL"))
        report(`${label}: linuxParameters.capabilities.drop does not contain "ALL".`);
      const added = asArray(caps?.add);
      if (added.length) report(`${label}: linuxParameters.capabilities.add adds ${added.join(", ")}.`);
    }),
});

const ecsHealthCheck = resourceRule<TaskDefinition>({
  name: "berth-ecs-health-check",
  summary: "Essential containers have a container health check.",
  controls: { cis: ["CIS Docker 4.6"], other: "ECS restarts unhealthy tasks only with a health check" },
  resourceTypes: [ECS_TASK_DEFINITION],
  remediationSteps:
    "Leave `berth:services.<name>.healthCheck.enabled` unset or true, with `healthCheck.command` your image's own check in exec form (default: the sample's `/app/berth --healthcheck`).",
  validate: (task, _a, report) =>
    eachContainer(task, report, (c, label) => {
      if (c.essential === false) return;
      const command = asArray(c.healthCheck?.command);
      if (command.length === 0 || command[0] === "NONE")
        report(`${label}: no healthCheck.command: ECS cannot tell a hung task from a healthy one.`);
    }),
});

const ecsNonBlockingLogs = resourceRule<TaskDefinition>({
  name: "berth-ecs-awslogs-non-blocking",
  summary: "Containers log with the awslogs driver in non-blocking mode (a slow log stream never stalls the app).",
  controls: { fsbp: ["ECS.9"], other: "AWS ECS best practice: awslogs mode non-blocking" },
  resourceTypes: [ECS_TASK_DEFINITION],
  remediationSteps: "Leave `berth:services.<name>.hardening.nonBlockingLogs` unset or true.",
  validate: (task, _a, report) =>
    eachContainer(task, report, (c, label) => {
      const log = c.logConfiguration;
      if (!log) return report(`${label}: no logConfiguration: its output is lost.`);
      if (log.logDriver !== "awslogs")
        report(`${label}: logDriver is ${JSON.stringify(log.logDriver)}, not "awslogs".`);
      if (log.options?.["mode"] !== "non-blocking") {
        report(
          `${label}: logConfiguration.options.mode is ${JSON.stringify(log.options?.["mode"] ?? "blocking (the default)")}: the app blocks when CloudWatch is slow.`,
        );
      }
      if (!log.options?.["awslogs-group"]) report(`${label}: logConfiguration.options["awslogs-group"] is not set.`);
    }),
});

const ecsMemoryLimits = resourceRule<TaskDefinition>({
  name: "berth-ecs-memory-limits",
  summary: "Memory is limited: a task-level memory size, and container limits within it.",
  controls: { cis: ["CIS Docker 5.10"] },
  resourceTypes: [ECS_TASK_DEFINITION],
  remediationSteps: "Set `berth:services.<name>.memory` to a Fargate size.",
  validate: (task, _a, report) => {
    const taskMemory = task.memory === undefined ? undefined : Number(task.memory);
    eachContainer(task, report, (c, label) => {
      if (taskMemory === undefined && c.memory === undefined)
        report(`${label}: neither the task nor the container sets memory.`);
      if (taskMemory !== undefined && c.memory !== undefined && Number(c.memory) > taskMemory) {
        report(`${label}: memory ${c.memory} MiB exceeds the task's ${taskMemory} MiB.`);
      }
    });
  },
});

export const ecsImageByDigest = resourceRule<TaskDefinition>({
  name: "berth-ecs-image-digest",
  summary: "Images are pinned by digest (`repo@sha256:...`), never by a `:latest` tag.",
  controls: { other: "Berth supply chain: deploy the exact bytes that were scanned and tested (SLSA)" },
  resourceTypes: [ECS_TASK_DEFINITION],
  remediationSteps: "Deploy `release.ecrDigestRef`, never a tag.",
  validate: (task, _a, report) =>
    eachContainer(task, report, (c, label) => {
      const image = String(c.image ?? "");
      if (/:latest(@|$)/.test(image)) report(`${label}: image ${image} uses the latest tag.`);
      if (!DIGEST_REFERENCE.test(image))
        report(`${label}: image ${JSON.stringify(image)} is not pinned by digest (…@sha256:<64 hex>).`);
    }),
});

/** Values that look like credentials whatever their name. */
const SECRET_VALUES: [string, RegExp][] = [
  ["an AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["a GitHub token", /\b(ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{20,}/],
  ["a Slack token", /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ["a Google API key", /\bAIza[0-9A-Za-z_-]{35}\b/],
  ["a password in a URL or connection string", /(:\/\/[^/\s:@]+:[^/\s@]+@)|(\b(password|pwd)=[^;&\s]+)/i],
];

export const ecsNoSecretsInEnvironment = resourceRule<TaskDefinition>({
  name: "berth-ecs-no-env-secrets",
  summary: "No secret-looking names or values in container `environment`; secrets come from SSM or Secrets Manager.",
  controls: { fsbp: ["ECS.8"] },
  resourceTypes: [ECS_TASK_DEFINITION],
  configSchema: {
    properties: {
      allowedNames: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Environment names that match the secret pattern but are not secrets.",
      },
    },
  },
  remediationSteps: "Move the value to `berth:services.<name>.secrets` (name -> SSM parameter or Secrets Manager ARN).",
  validate: (task, args, report) => {
    const allowed = new Set(args.getConfig<{ allowedNames?: string[] }>().allowedNames ?? []);
    eachContainer(task, report, (c, label) => {
      for (const env of asArray(c.environment)) {
        const name = String(env.name ?? "");
        if (allowed.has(name)) continue;
        if (isSecretLookingName(name))
          report(
            `${label}: environment variable ${name} looks like a secret (by its name); the value is in plain text in the task definition.`,
          );
        for (const [what, pattern] of SECRET_VALUES) {
          if (pattern.test(String(env.value ?? "")))
            report(`${label}: environment variable ${name} holds what looks like ${what}.`);
        }
      }
    });
  },
});

const ecsNoHostNetwork = resourceRule<TaskDefinition>({
  name: "berth-ecs-no-host-network",
  summary: "Tasks use awsvpc networking, never the host's network namespace.",
  controls: { fsbp: ["ECS.1", "ECS.17"], cis: ["CIS Docker 5.9"] },
  resourceTypes: [ECS_TASK_DEFINITION],
  remediationSteps: "Keep `networkMode: awsvpc` (required by Fargate).",
  validate: (task, _a, report) => {
    if (task.networkMode !== "awsvpc")
      report(`networkMode is ${JSON.stringify(task.networkMode ?? "bridge (the default)")}, not "awsvpc".`);
  },
});

const ecsNoHostPid = resourceRule<TaskDefinition>({
  name: "berth-ecs-no-host-pid",
  summary: "Tasks share neither the host's process nor IPC namespace.",
  controls: { fsbp: ["ECS.3"], checkov: ["CKV_AWS_335"], cis: ["CIS Docker 5.15", "CIS Docker 5.16"] },
  resourceTypes: [ECS_TASK_DEFINITION],
  remediationSteps: "Remove `pidMode`/`ipcMode: host` from the task definition.",
  validate: (task, _a, report) => {
    if (task.pidMode === "host") report('pidMode is "host": the task sees and can signal every process on the host.');
    if (task.ipcMode === "host") report('ipcMode is "host": the task shares the host\'s IPC namespace.');
  },
});

const ecsSeparateRoles = resourceRule<TaskDefinition>({
  name: "berth-ecs-separate-roles",
  summary: "The task role (what the app may call) is not the execution role (what ECS uses to pull and log).",
  controls: { checkov: ["CKV_AWS_249"] },
  resourceTypes: [ECS_TASK_DEFINITION],
  remediationSteps: "Give the task its own role (FargateService creates both).",
  validate: (task, _a, report) => {
    if (task.taskRoleArn !== undefined && task.taskRoleArn === task.executionRoleArn) {
      report(
        "taskRoleArn equals executionRoleArn: the app gets the ECR pull and log permissions of the execution role.",
      );
    }
  },
});

const ecsNoPublicIp = resourceRule<Service>({
  name: "berth-ecs-no-public-ip",
  summary: "ECS services do not assign public IPs to tasks (they run in private subnets).",
  controls: { fsbp: ["ECS.2"], checkov: ["CKV_AWS_333"] },
  resourceTypes: [ECS_SERVICE],
  remediationSteps: "Keep tasks in the private subnets with `assignPublicIp: false`.",
  validate: (svc, _a, report) => {
    if (svc.networkConfiguration?.assignPublicIp === true)
      report("networkConfiguration.assignPublicIp is true: every task is reachable from the internet.");
    if (!svc.networkConfiguration)
      report("no networkConfiguration: an awsvpc service must say which subnets and security groups its tasks use.");
  },
});

const ecsCircuitBreaker = resourceRule<Service>({
  name: "berth-ecs-circuit-breaker",
  summary: "ECS services on rolling updates use the deployment circuit breaker with automatic rollback.",
  controls: { other: "AWS ECS best practice: deployment circuit breaker" },
  resourceTypes: [ECS_SERVICE],
  remediationSteps: "Leave `berth:services.<name>.hardening.circuitBreakerRollback` unset or true.",
  validate: (svc, _a, report) => {
    // The breaker applies to rolling updates only (API_DeploymentCircuitBreaker.html); canary, linear and blue/green
    // deployments roll back on their alarms and lifecycle hooks instead.
    const strategy = (svc.deploymentConfiguration as { strategy?: string } | undefined)?.strategy;
    if (strategy !== undefined && strategy !== "ROLLING") return;
    const cb = svc.deploymentCircuitBreaker;
    if (cb?.enable !== true)
      report("deploymentCircuitBreaker.enable is not true: a broken deploy keeps replacing tasks forever.");
    else if (cb.rollback !== true)
      report("deploymentCircuitBreaker.rollback is not true: a failed deploy is stopped but not rolled back.");
  },
});

const ecsPlatformLatest = resourceRule<Service>({
  name: "berth-ecs-platform-latest",
  summary: "Fargate services run on the LATEST platform version.",
  controls: { fsbp: ["ECS.10"], checkov: ["CKV_AWS_332"] },
  resourceTypes: [ECS_SERVICE],
  remediationSteps: "Remove the pinned `platformVersion` (or set LATEST).",
  validate: (svc, _a, report) => {
    const fargate =
      svc.launchType === "FARGATE" ||
      asArray(svc.capacityProviderStrategies).some((s) => String(s.capacityProvider).startsWith("FARGATE"));
    if (!fargate)
      return report(
        `launchType is ${JSON.stringify(svc.launchType ?? "EC2 (the default)")} and no FARGATE capacity provider: Berth runs on Fargate.`,
      );
    if (svc.platformVersion !== undefined && svc.platformVersion !== "LATEST")
      report(`platformVersion is pinned to ${svc.platformVersion}, not LATEST: no platform security patches.`);
  },
});

const ecsExecDisabled = resourceRule<Service>({
  name: "berth-ecs-exec-disabled",
  summary: "ECS Exec (an interactive shell into running tasks) is off (advisory).",
  controls: { other: "Berth: no interactive access to production tasks" },
  resourceTypes: [ECS_SERVICE],
  enforcementLevel: "advisory",
  remediationSteps: "Leave `berth:services.<name>.enableExecuteCommand` unset or false.",
  validate: (svc, _a, report) => {
    if (svc.enableExecuteCommand === true)
      report("enableExecuteCommand is true: anyone with ecs:ExecuteCommand gets a shell in the task.");
  },
});

/**
 * ECS fault injection lets AWS FIS experiments inject network and process faults into a task's containers
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_definition_faultInjection).
 * FSBP has no control for it: stated practice, as a production task is no fault-injection target unless chosen.
 */
const ecsFaultInjectionOff = resourceRule<TaskDefinition>({
  name: "berth-ecs-fault-injection-off",
  summary: "Task definitions do not enable ECS fault injection (stated practice).",
  controls: { other: "Berth: stated practice (no FSBP control): no AWS FIS fault injection into production tasks" },
  resourceTypes: [ECS_TASK_DEFINITION],
  remediationSteps: "Leave `berth:services.<name>.hardening.faultInjectionDisabled` unset or true.",
  validate: (task, _a, report) => {
    if (task.enableFaultInjection === true)
      report("enableFaultInjection is true: AWS FIS experiments can inject faults into the tasks.");
  },
});

const ecsContainerInsights = resourceRule<Cluster>({
  name: "berth-ecs-container-insights",
  summary: "ECS clusters have Container Insights enabled (or enhanced).",
  controls: { fsbp: ["ECS.12"], checkov: ["CKV_AWS_65"] },
  resourceTypes: [ECS_CLUSTER],
  remediationSteps: "Leave `berth:cluster.containerInsights` unset (enhanced) or enabled.",
  validate: (cluster, _a, report) => {
    const setting = asArray(cluster.settings).find((s) => s.name === "containerInsights");
    if (setting?.value !== "enabled" && setting?.value !== "enhanced") {
      report(
        `settings containerInsights is ${JSON.stringify(setting?.value ?? "absent")}: no task-level CPU, memory and restart metrics.`,
      );
    }
  },
});

const ecsExecLogging = resourceRule<Cluster>({
  name: "berth-ecs-exec-logging",
  summary:
    "ECS Exec sessions on the cluster are encrypted with KMS and logged (encrypted), so every shell is on record.",
  controls: { checkov: ["CKV_AWS_224"] },
  resourceTypes: [ECS_CLUSTER],
  remediationSteps:
    "Keep the Cluster component's executeCommandConfiguration (KMS key, OVERRIDE logging to the encrypted exec log group).",
  validate: (cluster, _a, report) => {
    const exec = cluster.configuration?.executeCommandConfiguration;
    if (!exec)
      return report(
        "configuration.executeCommandConfiguration is not set: exec sessions are neither KMS-encrypted nor logged.",
      );
    if (!exec.kmsKeyId) report("executeCommandConfiguration.kmsKeyId is not set.");
    if (exec.logging === "NONE") report('executeCommandConfiguration.logging is "NONE".');
    if (exec.logging === "OVERRIDE") {
      const log = exec.logConfiguration;
      const encrypted =
        (log?.cloudWatchLogGroupName && log.cloudWatchEncryptionEnabled === true) ||
        (log?.s3BucketName && log.s3BucketEncryptionEnabled === true);
      if (!encrypted)
        report(
          "executeCommandConfiguration.logConfiguration does not send the sessions to an encrypted log group or bucket.",
        );
    }
  },
});

export const ecsRules = [
  ecsReadonlyRoot,
  ecsNonRootUser,
  ecsNotPrivileged,
  ecsCapabilitiesDropped,
  ecsHealthCheck,
  ecsNonBlockingLogs,
  ecsMemoryLimits,
  ecsImageByDigest,
  ecsNoSecretsInEnvironment,
  ecsNoHostNetwork,
  ecsNoHostPid,
  ecsSeparateRoles,
  ecsNoPublicIp,
  ecsCircuitBreaker,
  ecsPlatformLatest,
  ecsExecDisabled,
  ecsFaultInjectionOff,
  ecsContainerInsights,
  ecsExecLogging,
];
