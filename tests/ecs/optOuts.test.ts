// The staging stack with every hardening opt-out on `worker` and ECS Exec on `web`, under mocks: each opt-out reaches
// exactly its input, the policy pack flags each one on the service that made it (and nothing on the other), and ECS
// Exec gets the task-role permissions and writable agent paths it needs without giving up the read-only root.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { evaluateRules } from "../../offline/evaluate";
import { ECS_EXEC_AGENT_PATHS } from "../../infra/container/containerSpec";
import { stackConfig } from "../support";
import { expectedServiceResources, serviceResources } from "./servicesStack";

const config = stackConfig("staging", (services) => {
  services.web!.enableExecuteCommand = true;
  services.worker!.hardening = {
    readonlyRootFilesystem: false,
    nonRootUser: false,
    dropAllCapabilities: false,
    noNewPrivileges: false,
    initProcess: false,
    nonBlockingLogs: false,
    circuitBreakerRollback: false,
    logEncryptionKey: false,
  };
});
let captured: CapturedStack;

before(async () => {
  captured = await captureStack({ stack: "staging", config });
  if (captured.error) throw captured.error;
});

const container = (name: string) =>
  JSON.parse(
    serviceResources(captured, name).one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions,
  )[0];
/** The service's deployment alarms (infra/observability/alarms.ts): a ServiceAlarms component `<name>-alarms`. */
const alarmsOf = (name: string) => {
  const component = captured.resources.find(
    (x) => x.type === "berth:observability:ServiceAlarms" && x.name === `${name}-alarms`,
  );
  assert.ok(component, `${name}: its ServiceAlarms component`);
  return captured.resources.filter(
    (x) => x.parentUrn === component.urn && x.type === "aws:cloudwatch/metricAlarm:MetricAlarm",
  );
};
/** The pack on the service's resources and its deployment alarms, which berth-ecs-deployment-alarms joins on names. */
const violationsOf = async (name: string) => {
  const r = serviceResources(captured, name);
  const mine = [r.component, ...r.children, ...alarmsOf(name)];
  const result = await evaluateRules(
    mine.filter((x) => x.custom).map((x) => ({ type: x.type, name: x.name, urn: x.urn ?? x.name, props: x.inputs })),
  );
  assert.deepEqual(result.errors, []);
  return result.violations
    .filter((v) => v.resource)
    .map((v) => v.rule)
    .sort();
};

describe("worker with every hardening opt-out", () => {
  test("each opt-out reaches its input", () => {
    const c = container("worker");
    assert.equal(c.readonlyRootFilesystem, false);
    assert.equal(c.user, undefined);
    assert.deepEqual(c.linuxParameters, { capabilities: { drop: [] }, initProcessEnabled: false });
    assert.equal(c.logConfiguration.options.mode, "blocking");
    assert.equal(c.privileged, false, "privileged has no opt-out");
    const svc = serviceResources(captured, "worker").one("aws:ecs/service:Service").inputs;
    assert.deepEqual(svc.deploymentCircuitBreaker, { enable: true, rollback: false });
    assert.equal(
      serviceResources(captured, "worker").one("aws:cloudwatch/logGroup:LogGroup").inputs.kmsKeyId,
      undefined,
    );
  });

  test("it loses exactly its log key", () => {
    const mine = serviceResources(captured, "worker")
      .children.map((r) => `${r.type} ${r.name}`)
      .sort();
    assert.deepEqual(
      mine,
      expectedServiceResources("worker").filter((k) => k !== "aws:kms/key:Key worker-logs"),
    );
  });

  test("no hardening opt-out touches the deployment alarms: worker still attaches all of its own, with rollback", () => {
    const svc = serviceResources(captured, "worker").one("aws:ecs/service:Service").inputs;
    const names = alarmsOf("worker")
      .map((a) => a.inputs.name)
      .sort();
    assert.ok(names.length > 0, "worker keeps its alarms");
    assert.deepEqual(
      { ...svc.alarms, alarmNames: [...svc.alarms.alarmNames].sort() },
      { alarmNames: names, enable: true, rollback: true },
    );
  });

  test("the policy pack flags each opt-out on worker", async () => {
    assert.deepEqual(await violationsOf("worker"), [
      "berth-ecs-awslogs-non-blocking",
      "berth-ecs-capabilities-dropped",
      "berth-ecs-circuit-breaker",
      "berth-ecs-non-root-user",
      "berth-ecs-readonly-root",
      "berth-logs-kms",
    ]);
  });
});

describe("web with ECS Exec", () => {
  test("exec on the service, read-only root kept, agent paths writable volumes", () => {
    assert.equal(serviceResources(captured, "web").one("aws:ecs/service:Service").inputs.enableExecuteCommand, true);
    const c = container("web");
    assert.equal(c.readonlyRootFilesystem, true);
    const td = serviceResources(captured, "web").one("aws:ecs/taskDefinition:TaskDefinition").inputs;
    assert.deepEqual(td.volumes, [{ name: "tmp" }, ...ECS_EXEC_AGENT_PATHS.map((p) => ({ name: p.volume }))]);
    assert.deepEqual(
      c.mountPoints.map((m: any) => m.containerPath),
      ["/tmp", ...ECS_EXEC_AGENT_PATHS.map((p) => p.path)],
    );
  });

  test("the task role gets the exec channels, the cluster's session log group and key, nothing else", () => {
    const r = serviceResources(captured, "web");
    const exec = r.one("aws:iam/rolePolicy:RolePolicy", "web-exec");
    const taskRole = r.one("aws:iam/role:Role", "web-task");
    assert.equal(exec.inputs.role, taskRole.physicalId ?? "web-task-id");
    const doc = JSON.parse(exec.inputs.policy);
    const cluster = captured.resources.find((x) => x.type === "aws:ecs/cluster:Cluster")!;
    const execLogGroup = captured.resources.find(
      (x) =>
        x.type === "aws:cloudwatch/logGroup:LogGroup" &&
        x.inputs.name ===
          cluster.inputs.configuration.executeCommandConfiguration.logConfiguration.cloudWatchLogGroupName,
    )!;
    const execKey = captured.resources.find(
      (x) =>
        x.type === "aws:kms/key:Key" &&
        x.state.arn === cluster.inputs.configuration.executeCommandConfiguration.kmsKeyId,
    )!;
    assert.ok(execLogGroup && execKey, "the cluster's session log group and key");
    assert.deepEqual(
      doc.Statement.map((s: any) => [s.Sid, s.Resource]),
      [
        ["EcsExecChannels", "*"],
        ["DescribeExecLogGroup", "*"],
        ["WriteExecSessionLogs", `${execLogGroup.state.arn}:log-stream:*`],
        ["ExecSessionKey", execKey.state.arn],
      ],
    );
    assert.deepEqual(
      r.children.map((x) => `${x.type} ${x.name}`).sort(),
      expectedServiceResources("web", { exec: true }),
    );
  });

  test("the policy pack flags ECS Exec (advisory) and nothing else on web", async () => {
    assert.deepEqual(await violationsOf("web"), ["berth-ecs-exec-disabled"]);
  });
});

test("the stack's warnings output names every opt-out and ECS Exec, by key", () => {
  const warnings = (captured.outputs.warnings as string[]).filter((w) => w.startsWith("berth:services."));
  assert.deepEqual(
    warnings.map((w) => w.split(" is ")[0]).sort(),
    [
      "berth:services.web.enableExecuteCommand",
      ...[
        "circuitBreakerRollback",
        "dropAllCapabilities",
        "initProcess",
        "logEncryptionKey",
        "noNewPrivileges",
        "nonBlockingLogs",
        "nonRootUser",
        "readonlyRootFilesystem",
      ].map((k) => `berth:services.worker.hardening.${k}`),
    ].sort(),
  );
});
