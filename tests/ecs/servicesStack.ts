// The ECS services of one stack, loaded through the real program (infra/index.ts) under mocks, and the assertions
// every stack file runs on them: the registered resources per service, every security-relevant input, the policy pack.
// Not a test file: servicesStack.test.ts calls `describeServicesStack` for each stack, in one process.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { CapturedResource, CapturedStack } from "../../offline/mockRuntime";
import { loadSettings, type Settings } from "../../infra/config";
import { evaluateRules } from "../../offline/evaluate";
import { captureProgram, SHA, stackConfig } from "../support";

export const FARGATE_SERVICE = "berth:ecs:FargateService";

/** The resources each service registers, by type and logical name. */
export function expectedServiceResources(name: string, opts: { exec?: boolean } = {}): string[] {
  return [
    `aws:appautoscaling/policy:Policy ${name}-cpu`,
    `aws:appautoscaling/policy:Policy ${name}-memory`,
    `aws:appautoscaling/target:Target ${name}-scaling`,
    `aws:cloudwatch/logGroup:LogGroup ${name}-logs`,
    `aws:ec2/securityGroup:SecurityGroup ${name}-tasks`,
    `aws:ecs/service:Service ${name}`,
    `aws:ecs/taskDefinition:TaskDefinition ${name}`,
    `aws:iam/role:Role ${name}-execution`,
    `aws:iam/role:Role ${name}-task`,
    `aws:iam/rolePolicy:RolePolicy ${name}-execution`,
    `aws:kms/key:Key ${name}-logs`,
    // Proves the deployment completed with this task definition (infra/rollout/).
    `pulumi-nodejs:dynamic/berth:RolloutVerification ${name}-rollout`,
    ...(opts.exec ? [`aws:iam/rolePolicy:RolePolicy ${name}-exec`] : []),
  ].sort();
}

export interface ServiceResources {
  component: CapturedResource;
  children: CapturedResource[];
  one(type: string, name?: string): CapturedResource;
}

export function serviceResources(captured: CapturedStack, name: string): ServiceResources {
  const component = captured.resources.find((r) => r.type === FARGATE_SERVICE && r.name === name);
  assert.ok(component, `a ${FARGATE_SERVICE} named ${name}`);
  const children = captured.resources.filter((r) => r.parentUrn === component.urn);
  return {
    component,
    children,
    one(type, childName) {
      const found = children.filter((r) => r.type === type && (childName === undefined || r.name === childName));
      assert.equal(found.length, 1, `${name}: one ${type}${childName ? ` ${childName}` : ""}`);
      return found[0]!;
    },
  };
}

const listOf = (r: CapturedResource) => `${r.type} ${r.name}`;

export function describeServicesStack(stack: "staging" | "prod") {
  const config = stackConfig(stack);
  const settings: Settings = loadSettings(config, { stack, git: () => ({ head: SHA, tagsAtHead: [], dirty: false }) });
  const stagingOutputs = {
    sourceSha: SHA,
    imageDigest: `sha256:${"cd".repeat(32)}`,
    ranDigests: [`sha256:${"cd".repeat(32)}`],
  };
  let captured: CapturedStack;

  before(async () => {
    captured = await captureProgram({
      stack,
      config,
      // prod promotes what staging runs (a StackReference): give it staging's outputs under any name it asks for.
      stackOutputs: new Proxy({}, { get: () => stagingOutputs }) as Record<string, Record<string, unknown>>,
    });
    if (captured.error) throw captured.error;
  });

  describe(`${stack}: one FargateService per declared service`, () => {
    test("the declared services, and no other", () => {
      const components = captured.resources
        .filter((r) => r.type === FARGATE_SERVICE)
        .map((r) => r.name)
        .sort();
      assert.deepEqual(components, ["web", "worker"]);
      assert.deepEqual(components, settings.services.map((s) => s.name).sort());
    });

    for (const name of ["web", "worker"]) {
      test(`${name}: exactly its resources`, () => {
        assert.deepEqual(serviceResources(captured, name).children.map(listOf).sort(), expectedServiceResources(name));
      });
    }
  });

  for (const svc of settings.services) {
    const routed = svc.route !== undefined;
    describe(`${stack}/${svc.name}: every security-relevant input`, () => {
      const r = () => serviceResources(captured, svc.name);
      const containerDefs = () =>
        JSON.parse(r().one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions) as any[];

      test("task definition: Fargate, awsvpc, size, platform, /tmp volume, distinct roles", () => {
        const td = r().one("aws:ecs/taskDefinition:TaskDefinition").inputs;
        assert.equal(td.family, `berth-${stack}-${svc.name}`);
        assert.deepEqual(td.requiresCompatibilities, ["FARGATE"]);
        assert.equal(td.networkMode, "awsvpc");
        assert.equal(td.cpu, String(svc.cpu));
        assert.equal(td.memory, String(svc.memory));
        assert.deepEqual(td.runtimePlatform, { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" });
        assert.deepEqual(td.volumes, [{ name: "tmp" }]);
        assert.equal(td.pidMode, undefined, "no host pid namespace");
        assert.equal(td.executionRoleArn, r().one("aws:iam/role:Role", `${svc.name}-execution`).state.arn);
        assert.equal(td.taskRoleArn, r().one("aws:iam/role:Role", `${svc.name}-task`).state.arn);
        assert.notEqual(td.executionRoleArn, td.taskRoleArn);
      });

      test("container: the image by digest the stack exports, hardening on by default", async () => {
        const [c] = containerDefs();
        assert.equal(containerDefs().length, 1);
        assert.equal(c.image, captured.outputs.imageDigestRef);
        assert.match(c.image, /^\d{12}\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/berth@sha256:[0-9a-f]{64}$/);
        assert.equal(c.readonlyRootFilesystem, true);
        assert.equal(c.user, "10001:10001");
        assert.equal(c.privileged, false);
        assert.deepEqual(c.linuxParameters, { capabilities: { drop: ["ALL"] }, initProcessEnabled: true });
        assert.deepEqual(c.healthCheck.command, ["CMD", "/app/berth", "--healthcheck"]);
        assert.equal(c.logConfiguration.logDriver, "awslogs");
        assert.equal(c.logConfiguration.options["awslogs-group"], `/ecs/berth-${stack}/${svc.name}`);
        assert.equal(c.logConfiguration.options.mode, "non-blocking");
        assert.equal(c.logConfiguration.options["max-buffer-size"], "25m");
        assert.deepEqual(c.command, svc.command);
        assert.deepEqual(c.portMappings, routed ? [{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }] : []);
      });

      test("log group: retention from berth:logs, encrypted with its own rotating key", () => {
        const lg = r().one("aws:cloudwatch/logGroup:LogGroup").inputs;
        assert.equal(lg.name, `/ecs/berth-${stack}/${svc.name}`);
        assert.equal(lg.retentionInDays, settings.logs.retentionDays);
        assert.equal(lg.retentionInDays, stack === "prod" ? 365 : 30);
        const key = r().one("aws:kms/key:Key");
        assert.equal(lg.kmsKeyId, key.state.arn);
        assert.equal(key.inputs.enableKeyRotation, true);
        const policy = JSON.parse(key.inputs.policy);
        const logs = policy.Statement.find((s: any) => s.Principal?.Service === "logs.eu-west-1.amazonaws.com");
        assert.deepEqual(logs.Condition, {
          ArnEquals: {
            "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${settings.aws!.accountId}:log-group:${lg.name}`,
          },
        });
      });

      test("execution role: pull this repository, write this log group; * only for GetAuthorizationToken", () => {
        const role = r().one("aws:iam/role:Role", `${svc.name}-execution`);
        const trust = JSON.parse(role.inputs.assumeRolePolicy);
        assert.deepEqual(trust.Statement[0].Principal, { Service: "ecs-tasks.amazonaws.com" });
        assert.deepEqual(trust.Statement[0].Condition.StringEquals, { "aws:SourceAccount": settings.aws!.accountId });
        const policies = r().children.filter((x) => x.type === "aws:iam/rolePolicy:RolePolicy");
        assert.deepEqual(
          policies.map((p) => p.name),
          [`${svc.name}-execution`],
          "the task role has no policy",
        );
        assert.equal(policies[0]!.inputs.role, role.physicalId ?? `${role.name}-id`);
        const doc = JSON.parse(policies[0]!.inputs.policy);
        const repo = captured.resources.find(
          (x) => x.type === "aws:ecr/repository:Repository" && x.inputs.name === settings.image.name,
        );
        assert.ok(repo, "the app's ECR repository");
        const logGroup = r().one("aws:cloudwatch/logGroup:LogGroup");
        assert.deepEqual(
          doc.Statement.map((s: any) => [s.Action, s.Resource]),
          [
            ["ecr:GetAuthorizationToken", "*"],
            [["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], repo.state.arn],
            [["logs:CreateLogStream", "logs:PutLogEvents"], `${logGroup.state.arn}:log-stream:*`],
          ],
        );
      });

      test("task role: trusted by ECS tasks of this account only, no permissions", () => {
        const trust = JSON.parse(r().one("aws:iam/role:Role", `${svc.name}-task`).inputs.assumeRolePolicy);
        assert.deepEqual(trust.Statement[0].Condition.StringEquals, { "aws:SourceAccount": settings.aws!.accountId });
        assert.equal(
          captured.resources.filter(
            (x) =>
              x.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" &&
              String(x.inputs.role).includes(`${svc.name}-task`),
          ).length,
          0,
        );
      });

      test(
        routed
          ? "security group: ingress only from the ALB's group on the app port (and its health port)"
          : "security group: no ingress at all",
        () => {
          const sg = r().one("aws:ec2/securityGroup:SecurityGroup").inputs;
          assert.equal(sg.namePrefix, `berth-${stack}-${svc.name}-tasks-`, "a prefix: replaced before deleted");
          assert.equal(sg.vpcId, captured.resources.find((x) => x.type === "aws:ec2/vpc:Vpc")?.physicalId ?? sg.vpcId);
          if (routed) {
            const lb = captured.resources.find((x) => x.type === "aws:lb/loadBalancer:LoadBalancer");
            assert.ok(lb);
            const albSg = lb.inputs.securityGroups;
            assert.equal(albSg.length, 1);
            // The app port, and the separate health port when the route names one (route.healthCheckPort).
            const ports = [svc.port, ...(svc.route?.healthCheckPort ? [svc.route.healthCheckPort] : [])];
            assert.deepEqual(
              sg.ingress.map((i: any) => [i.protocol, i.fromPort, i.toPort]),
              ports.map((p) => ["tcp", p, p]),
            );
            for (const i of sg.ingress) {
              assert.deepEqual(i.securityGroups, albSg, "from the load balancer's group only");
              assert.equal(i.cidrBlocks, undefined);
            }
          } else {
            assert.deepEqual(sg.ingress, []);
          }
          assert.deepEqual(
            sg.egress.map((e: any) => [e.protocol, e.fromPort, e.toPort]),
            [["tcp", 443, 443]],
          );
        },
      );

      test(`service: Fargate LATEST, no public IP, private subnets, ${routed ? "a 10 % canary (ECS CANARY)" : "rolling with circuit-breaker rollback, 100/200"}, exec off`, () => {
        const s = r().one("aws:ecs/service:Service").inputs;
        assert.equal(s.launchType, "FARGATE");
        assert.equal(s.platformVersion, "LATEST");
        assert.equal(s.desiredCount, svc.desiredCount);
        assert.deepEqual(s.deploymentController, { type: "ECS" });
        if (routed) {
          // The environment's default for a routed service (infra/config/services.ts DEPLOYMENT_DEFAULTS): prod
          // watches the canary 5 minutes and keeps both revisions 10 more; staging runs the same machinery with no waits.
          assert.deepEqual(s.deploymentConfiguration, {
            strategy: "CANARY",
            bakeTimeInMinutes: stack === "prod" ? "10" : "0",
            canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: stack === "prod" ? "5" : "0" },
          });
          // The circuit breaker and min/max percentages apply to rolling updates only (API_DeploymentCircuitBreaker.html).
          assert.equal(s.deploymentCircuitBreaker, undefined);
          assert.equal(s.deploymentMinimumHealthyPercent, undefined);
          assert.equal(s.deploymentMaximumPercent, undefined);
        } else {
          assert.deepEqual(s.deploymentConfiguration, { strategy: "ROLLING" });
          assert.deepEqual(s.deploymentCircuitBreaker, { enable: true, rollback: true });
          assert.equal(s.deploymentMinimumHealthyPercent, 100);
          assert.equal(s.deploymentMaximumPercent, 200);
        }
        assert.equal(s.enableExecuteCommand, false);
        assert.equal(s.propagateTags, "SERVICE");
        assert.equal(s.enableEcsManagedTags, true);
        assert.equal(s.waitForSteadyState, true);
        assert.equal(s.networkConfiguration.assignPublicIp, false);
        assert.deepEqual(s.networkConfiguration.securityGroups, [
          r().one("aws:ec2/securityGroup:SecurityGroup").physicalId ?? s.networkConfiguration.securityGroups[0],
        ]);
        const subnets = captured.resources.filter((x) => x.type === "aws:ec2/subnet:Subnet");
        const publicIds = subnets
          .filter((x) => x.inputs.mapPublicIpOnLaunch === true || /public/.test(x.name))
          .map((x) => x.physicalId);
        assert.ok(s.networkConfiguration.subnets.length >= 2, "at least two subnets (AZs)");
        for (const id of s.networkConfiguration.subnets)
          assert.ok(!publicIds.includes(id), `subnet ${id} is not public`);
        assert.equal(s.cluster, captured.resources.find((x) => x.type === "aws:ecs/cluster:Cluster")?.state.arn);
        assert.equal(s.taskDefinition, r().one("aws:ecs/taskDefinition:TaskDefinition").state.arn);
      });

      test(
        routed ? "service: behind its target group, with a grace period" : "service: no load balancer, no grace period",
        () => {
          const s = r().one("aws:ecs/service:Service").inputs;
          if (routed) {
            const tg = captured.resources.find(
              (x) => x.type === "aws:lb/targetGroup:TargetGroup" && x.name === `alb-${svc.name}`,
            );
            assert.ok(tg, `target group alb-${svc.name}`);
            const alt = captured.resources.find(
              (x) => x.type === "aws:lb/targetGroup:TargetGroup" && x.name === `alt-${svc.name}`,
            );
            assert.ok(alt, `alternate target group alt-${svc.name}`);
            const rule = captured.resources.find(
              (x) => x.type === "aws:lb/listenerRule:ListenerRule" && x.name === `alb-${svc.name}`,
            );
            assert.ok(rule, `production listener rule alb-${svc.name}`);
            const role = captured.resources.find(
              (x) => x.type === "aws:iam/role:Role" && x.name === "alb-ecs-infrastructure",
            );
            assert.ok(role, "the ECS infrastructure role for load balancers");
            assert.deepEqual(s.loadBalancers, [
              {
                targetGroupArn: tg.state.arn,
                containerName: svc.name,
                containerPort: svc.port,
                advancedConfiguration: {
                  alternateTargetGroupArn: alt.state.arn,
                  productionListenerRule: rule.state.arn,
                  roleArn: role.state.arn,
                },
              },
            ]);
            assert.equal(s.healthCheckGracePeriodSeconds, svc.healthCheckGracePeriodSeconds);
          } else {
            assert.deepEqual(s.loadBalancers ?? [], []);
            assert.equal(s.healthCheckGracePeriodSeconds, undefined);
            assert.equal(
              captured.resources.filter(
                (x) => x.type === "aws:lb/targetGroup:TargetGroup" && x.name.endsWith(`-${svc.name}`),
              ).length,
              0,
              "no target group",
            );
          }
        },
      );

      test("autoscaling: target on this service's desired count, CPU and memory target tracking", () => {
        const t = r().one("aws:appautoscaling/target:Target").inputs;
        const clusterName = captured.resources.find((x) => x.type === "aws:ecs/cluster:Cluster")?.state.name;
        assert.deepEqual(
          {
            ns: t.serviceNamespace,
            dim: t.scalableDimension,
            id: t.resourceId,
            min: t.minCapacity,
            max: t.maxCapacity,
          },
          {
            ns: "ecs",
            dim: "ecs:service:DesiredCount",
            id: `service/${clusterName}/${svc.name}`,
            min: svc.autoscaling.minCount,
            max: svc.autoscaling.maxCount,
          },
        );
        const policies = r()
          .children.filter((x) => x.type === "aws:appautoscaling/policy:Policy")
          .map((p) => p.inputs);
        assert.deepEqual(
          policies
            .map((p) => [
              p.policyType,
              p.resourceId,
              p.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType,
              p.targetTrackingScalingPolicyConfiguration.targetValue,
            ])
            .sort(),
          [
            [
              "TargetTrackingScaling",
              t.resourceId,
              "ECSServiceAverageCPUUtilization",
              svc.autoscaling.cpuTargetPercent,
            ],
            [
              "TargetTrackingScaling",
              t.resourceId,
              "ECSServiceAverageMemoryUtilization",
              svc.autoscaling.memoryTargetPercent,
            ],
          ],
        );
      });

      test("the policy pack finds nothing to flag in this service's resources", async () => {
        // With the service's deployment alarms (infra/observability/alarms.ts), which the stack rule joins on names.
        const alarms = captured.resources.find(
          (x) => x.type === "berth:observability:ServiceAlarms" && x.name === `${svc.name}-alarms`,
        );
        const mine = [
          r().component,
          ...r().children,
          ...captured.resources.filter((x) => alarms && x.parentUrn === alarms.urn),
        ];
        const result = await evaluateRules(
          mine
            .filter((x) => x.custom)
            .map((x) => ({ type: x.type, name: x.name, urn: x.urn ?? x.name, props: x.inputs })),
          { rules: undefined },
        );
        const resourceViolations = result.violations.filter((v) => v.resource);
        assert.deepEqual(
          resourceViolations.map((v) => `${v.rule}: ${v.message}`),
          [],
        );
        assert.deepEqual(
          result.errors.filter((e) => e.resource),
          [],
        );
      });
    });
  }

  describe(`${stack}: outputs and the ECR pull grant`, () => {
    test("per service: service name, log group name, task definition, the digest running", () => {
      const services = captured.outputs.services as Record<string, Record<string, unknown>>;
      assert.deepEqual(Object.keys(services).sort(), ["web", "worker"]);
      for (const name of ["web", "worker"]) {
        assert.equal(services[name]!.serviceName, name);
        assert.equal(services[name]!.logGroupName, `/ecs/berth-${stack}/${name}`);
        assert.equal(services[name]!.image, captured.outputs.imageDigestRef);
        assert.match(
          String(services[name]!.taskDefinitionArn),
          new RegExp(`task-definition/berth-${stack}-${name}:\\d+$`),
        );
      }
    });

    test("only the services' execution roles may pull from the app repository", () => {
      const policy = captured.resources.find(
        (x) => x.type === "aws:ecr/repositoryPolicy:RepositoryPolicy" && x.inputs.repository === settings.image.name,
      );
      assert.ok(policy, "a repository policy on the app repository");
      const doc = JSON.parse(policy.inputs.policy);
      const allow = doc.Statement.find((s: any) => s.Effect === "Allow");
      const executionRoles = ["web", "worker"].map(
        (n) => serviceResources(captured, n).one("aws:iam/role:Role", `${n}-execution`).state.arn,
      );
      for (const arn of executionRoles) assert.ok(allow.Principal.AWS.includes(arn), `${arn} may pull`);
      const taskRoles = ["web", "worker"].map(
        (n) => serviceResources(captured, n).one("aws:iam/role:Role", `${n}-task`).state.arn,
      );
      for (const arn of taskRoles) assert.ok(!allow.Principal.AWS.includes(arn), `${arn} may not pull`);
    });
  });

  return () => captured;
}
