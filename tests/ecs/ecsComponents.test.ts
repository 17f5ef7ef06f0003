/**
 * Cluster and FargateService constructed directly with their sections and plain inputs (no stack program), several
 * configurations in one process under `pulumi.runtime.setMocks`: each construction's children.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type AwsStackSettings, type ServiceSettings } from "../../infra/config";
import { Cluster, FargateService } from "../../infra/ecs";
import { childList, childOf, childrenOfType, construct } from "../support/componentMocks";
import { awsStackSettings } from "../support";

const DIGEST = `sha256:${"ab".repeat(32)}`;

const staging = awsStackSettings("staging");
const prod = awsStackSettings("prod");
const serviceOf = (s: AwsStackSettings, name: string) => s.services.find((svc) => svc.name === name)!;

const cluster = (s: AwsStackSettings, edit: Partial<AwsStackSettings["cluster"]> = {}) =>
  construct(
    () =>
      new Cluster("cl", {
        cluster: { ...s.cluster, ...edit },
        aws: s.aws,
        logs: s.logs,
        project: s.project,
        stack: s.stack,
      }),
    s.stack,
  );

test("Cluster (staging defaults): `<project>-<stack>`, Container Insights, FARGATE, exec sessions encrypted and logged", async () => {
  const { component, children } = await cluster(staging);
  assert.deepEqual(component.warnings, []);
  assert.deepEqual(childList(children), [
    "aws:cloudwatch/logGroup:LogGroup cl-exec",
    "aws:ecs/cluster:Cluster cl",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders cl",
    "aws:kms/key:Key cl-exec",
  ]);
  const ecs = childOf(children, "aws:ecs/cluster:Cluster", "cl").state;
  assert.equal(ecs.name, "berth-staging");
  assert.deepEqual(ecs.settings, [{ name: "containerInsights", value: staging.cluster.containerInsights }]);
  assert.equal(
    ecs.configuration.executeCommandConfiguration.logConfiguration.cloudWatchLogGroupName,
    "/berth/staging/ecs-exec",
  );
  const logs = childOf(children, "aws:cloudwatch/logGroup:LogGroup", "cl-exec").state;
  assert.equal(logs.retentionInDays, staging.logs.retentionDays);
  const keyPolicy = JSON.parse(childOf(children, "aws:kms/key:Key", "cl-exec").state.policy);
  assert.match(JSON.stringify(keyPolicy), /arn:aws:logs:eu-west-1:111111111111:log-group:\/berth\/staging\/ecs-exec/);
  assert.deepEqual(
    childOf(children, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "cl").state.capacityProviders,
    ["FARGATE"],
  );
});

test("Cluster (prod, Spot on, Container Insights off): FARGATE_SPOT offered, and the stack says insights are off", async () => {
  const { component, children } = await cluster(prod, { fargateSpot: true, containerInsights: "disabled" });
  assert.equal(component.warnings.length, 1);
  assert.match(component.warnings[0]!, /containerInsights is disabled/);
  assert.equal(childOf(children, "aws:ecs/cluster:Cluster", "cl").state.name, "berth-prod");
  assert.deepEqual(
    childOf(children, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "cl").state.capacityProviders,
    ["FARGATE", "FARGATE_SPOT"],
  );
});

const CLUSTER = { arn: "arn:aws:ecs:eu-west-1:111111111111:cluster/berth", name: "berth-stack" };
const NETWORK = { vpcId: "vpc-1", privateSubnetIds: ["subnet-p1", "subnet-p2"] };
const LOAD_BALANCER = {
  securityGroupId: "sg-alb",
  targetGroups: { web: { arn: "arn:tg/web" } },
  trafficShifts: {
    web: {
      alternateTargetGroup: { arn: "arn:tg/web-alt" },
      productionRule: { arn: "arn:rule/web" },
      roleArn: "arn:aws:iam::222222222222:role/berth-prod-ecs-infrastructure",
    },
  },
};

const fargate = (s: AwsStackSettings, service: ServiceSettings, platform = s.image.platform) =>
  construct(
    () =>
      new FargateService(service.name, {
        service,
        aws: s.aws,
        logs: s.logs,
        project: s.project,
        stack: s.stack,
        environment: s.environment,
        platform,
        image: `${s.aws.accountId}.dkr.ecr.${s.aws.region}.amazonaws.com/berth@${DIGEST}`,
        ecrRepositoryArn: `arn:aws:ecr:${s.aws.region}:${s.aws.accountId}:repository/berth`,
        cluster: CLUSTER,
        network: NETWORK,
        loadBalancer: LOAD_BALANCER,
        deploymentAlarms: { names: [`berth-${s.stack}-${service.name}-running-tasks`], rollback: true },
      }),
    s.stack,
  );

const containerOf = (children: Awaited<ReturnType<typeof fargate>>["children"], name: string) =>
  JSON.parse(childOf(children, "aws:ecs/taskDefinition:TaskDefinition", name).state.containerDefinitions)[0];

test("FargateService, routed web (rolling): logs, both roles, the tasks' group, task definition, service, rollout, scaling", async () => {
  const web = {
    ...serviceOf(staging, "web"),
    deployment: { ...serviceOf(staging, "web").deployment, strategy: "rolling" as const },
  };
  const { component, children } = await fargate(staging, web);
  assert.deepEqual(childList(children), [
    "aws:appautoscaling/policy:Policy web-cpu",
    "aws:appautoscaling/policy:Policy web-memory",
    "aws:appautoscaling/target:Target web-scaling",
    "aws:cloudwatch/logGroup:LogGroup web-logs",
    "aws:ec2/securityGroup:SecurityGroup web-tasks",
    "aws:ecs/service:Service web",
    "aws:ecs/taskDefinition:TaskDefinition web",
    "aws:iam/role:Role web-execution",
    "aws:iam/role:Role web-task",
    "aws:iam/rolePolicy:RolePolicy web-execution",
    "aws:kms/key:Key web-logs",
    "pulumi-nodejs:dynamic/berth:RolloutVerification web-rollout",
  ]);
  assert.equal(childOf(children, "aws:iam/role:Role", "web-execution").state.name, "berth-staging-web-execution");
  assert.equal(childOf(children, "aws:cloudwatch/logGroup:LogGroup", "web-logs").state.name, "/ecs/berth-staging/web");
  const group = childOf(children, "aws:ec2/securityGroup:SecurityGroup", "web-tasks").state;
  assert.deepEqual(
    group.ingress.map((r: any) => [r.fromPort, r.securityGroups]),
    // The app port, and the fixture's separate health port (route.healthCheckPort) the target group checks.
    [web.port, ...(web.route?.healthCheckPort ? [web.route.healthCheckPort] : [])].map((port) => [port, ["sg-alb"]]),
  );
  const service = childOf(children, "aws:ecs/service:Service", "web").state;
  assert.equal(service.loadBalancers[0].targetGroupArn, "arn:tg/web");
  assert.equal(service.loadBalancers[0].advancedConfiguration, undefined, "rolling: no alternate target group");
  assert.deepEqual(service.alarms, { alarmNames: ["berth-staging-web-running-tasks"], enable: true, rollback: true });
  assert.deepEqual(service.networkConfiguration.subnets, NETWORK.privateSubnetIds);
  const container = containerOf(children, "web");
  assert.equal(container.image.split("@")[1], DIGEST);
  assert.equal(container.logConfiguration.options["awslogs-group"], "/ecs/berth-staging/web");
  assert.ok(container.environment.some((e: any) => e.name === "Berth__Environment" && e.value === "staging"));
  assert.equal(
    childOf(children, "aws:ecs/taskDefinition:TaskDefinition", "web").state.runtimePlatform.cpuArchitecture,
    "X86_64",
  );
  assert.deepEqual(component.warnings, []);
});

test("FargateService, worker with ECS Exec on arm64: no ingress, no load balancer, the exec policy and agent volumes", async () => {
  const worker = { ...serviceOf(staging, "worker"), enableExecuteCommand: true };
  const { component, children } = await fargate(staging, worker, "linux/arm64");
  const group = childOf(children, "aws:ec2/securityGroup:SecurityGroup", "worker-tasks").state;
  assert.deepEqual(group.ingress, []);
  assert.deepEqual(childOf(children, "aws:ecs/service:Service", "worker").state.loadBalancers, []);
  const exec = JSON.parse(childOf(children, "aws:iam/rolePolicy:RolePolicy", "worker-exec").state.policy);
  assert.ok(exec.Statement.some((st: any) => st.Sid === "EcsExecChannels"));
  const task = childOf(children, "aws:ecs/taskDefinition:TaskDefinition", "worker").state;
  assert.equal(task.runtimePlatform.cpuArchitecture, "ARM64");
  assert.ok(task.volumes.some((v: any) => v.name === "ecs-exec-managed-agents"));
  assert.equal(containerOf(children, "worker").portMappings.length, 0);
  assert.ok(component.warnings.some((w) => /enableExecuteCommand is true/.test(w)));
});

test("FargateService, prod web canary with its own log key: ECS shifts between both target groups, no key created", async () => {
  const web = { ...serviceOf(prod, "web"), logKmsKeyArn: "arn:aws:kms:eu-west-1:222222222222:key/own" };
  assert.equal(web.deployment.strategy, "canary");
  const { children } = await fargate(prod, web);
  assert.equal(childrenOfType(children, "aws:kms/key:Key").length, 0);
  assert.equal(childOf(children, "aws:cloudwatch/logGroup:LogGroup", "web-logs").state.kmsKeyId, web.logKmsKeyArn);
  const service = childOf(children, "aws:ecs/service:Service", "web").state;
  assert.deepEqual(service.loadBalancers[0].advancedConfiguration, {
    alternateTargetGroupArn: "arn:tg/web-alt",
    productionListenerRule: "arn:rule/web",
    roleArn: "arn:aws:iam::222222222222:role/berth-prod-ecs-infrastructure",
  });
  assert.equal(service.deploymentConfiguration.strategy, "CANARY");
  assert.ok(
    containerOf(children, "web").environment.some((e: any) => e.name === "Berth__Environment" && e.value === "prod"),
  );
  assert.equal(childOf(children, "aws:iam/role:Role", "web-task").state.name, "berth-prod-web-task");
});
