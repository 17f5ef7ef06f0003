// Issue 12, done-when "Each strategy renders the service, target groups and listener rules ECS needs, validated field
// by field": the whole staging program under mocks, once per strategy of web (linear with a test listener, blueGreen
// without one, rolling), asserting what ECS's native deployments need
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html,
// API_AdvancedConfiguration.html; ALB resources: alb-resources-for-blue-green.html; the infrastructure role:
// AmazonECSInfrastructureRolePolicyForLoadBalancers.html) and, for rolling, that none of it is there and the circuit
// breaker is (API_DeploymentCircuitBreaker.html: rolling updates only). The canary default is covered by
// tests/ecs/servicesStack.ts. Each stack also shows which target groups the alarms read: ECS swaps a shifting
// service's two groups after each deployment (deployment-type-blue-green.html), so they read both.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { CapturedResource, CapturedStack } from "../../offline/mockRuntime";
import { ECS_INFRASTRUCTURE_POLICY_ARN, ECS_OWNED_LISTENER_RULE_FIELDS } from "../../infra/network/loadBalancer";
import { ECS_OWNED_SERVICE_FIELDS } from "../../infra/ecs/fargateService";
import { DEFAULT_ROUTE_RULE_PRIORITY } from "../../infra/config/services";
import { captureProgram, settingsFor, stackConfig } from "../support";

const SERVICE = "aws:ecs/service:Service";
const TG = "aws:lb/targetGroup:TargetGroup";
const RULE = "aws:lb/listenerRule:ListenerRule";
const LISTENER = "aws:lb/listener:Listener";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TEST_LISTENER = { port: 8443, ingressCidrs: ["203.0.113.0/24"] };

const DEPLOYMENTS = {
  linear: {
    strategy: "linear",
    linearStepPercent: 20,
    linearStepBakeTimeMinutes: 2,
    bakeTimeMinutes: 4,
    testListener: TEST_LISTENER,
  },
  blueGreen: { strategy: "blueGreen", bakeTimeMinutes: 7 },
  rolling: { strategy: "rolling" },
} as const;
type Strategy = keyof typeof DEPLOYMENTS;

const edit = (strategy: Strategy) => (s: Record<string, Record<string, unknown>>) =>
  void (s.web!.deployment = DEPLOYMENTS[strategy]);
const captured: Partial<Record<Strategy, CapturedStack>> = {};

before(async () => {
  for (const strategy of Object.keys(DEPLOYMENTS) as Strategy[]) {
    // A fresh evaluation of the program per strategy: it registers on import.
    const c = await captureProgram({ stack: "staging", config: stackConfig("staging", edit(strategy)) });
    if (c.error) throw c.error;
    captured[strategy] = c;
  }
});

const of = (strategy: Strategy) => {
  const c = captured[strategy]!;
  const all = (type: string) => c.resources.filter((r) => r.type === type);
  const one = (type: string, name: string): CapturedResource => {
    const found = all(type).filter((r) => r.name === name);
    assert.equal(
      found.length,
      1,
      `one ${type} ${name}: found ${all(type)
        .map((r) => r.name)
        .join(", ")}`,
    );
    return found[0]!;
  };
  const web = settingsFor("staging", edit(strategy)).services.find((s) => s.name === "web")!;
  return { c, all, one, web, arn: (type: string, name: string) => one(type, name).state.arn as string };
};

/** The target groups (ARN suffixes) each of web's target group alarms reads. */
function alarmGroups(strategy: Strategy): Record<string, string[]> {
  const { all } = of(strategy);
  const out: Record<string, string[]> = {};
  for (const kind of ["target-5xx-rate", "target-p99-latency", "unhealthy-hosts"]) {
    const a = all(ALARM).find((x) => x.inputs.name === `berth-staging-web-${kind}`);
    assert.ok(a, kind);
    const dims = [a.inputs.dimensions, ...(a.inputs.metricQueries ?? []).map((q: any) => q.metric?.dimensions)].filter(
      Boolean,
    );
    out[kind] = [...new Set(dims.map((d: any) => d.TargetGroup as string))].sort();
  }
  return out;
}

for (const strategy of ["linear", "blueGreen"] as const) {
  describe(`staging with web deploying ${strategy}: what ECS's ${strategy === "linear" ? "LINEAR" : "BLUE_GREEN"} deployment needs`, () => {
    test("service: deploymentConfiguration field by field, no circuit breaker or rolling percentages", () => {
      const s = of(strategy).one(SERVICE, "web").inputs;
      // The provider types the minutes as strings (terraform-provider-aws's schema).
      const expected =
        strategy === "linear"
          ? {
              strategy: "LINEAR",
              bakeTimeInMinutes: "4",
              linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: "2" },
            }
          : { strategy: "BLUE_GREEN", bakeTimeInMinutes: "7" };
      assert.deepEqual(s.deploymentConfiguration, expected);
      assert.equal(s.deploymentCircuitBreaker, undefined);
      assert.equal(s.deploymentMinimumHealthyPercent, undefined);
      assert.equal(s.deploymentMaximumPercent, undefined);
      assert.deepEqual(
        s.deploymentController,
        { type: "ECS" },
        "native strategies run on the ECS deployment controller",
      );
      assert.deepEqual(s.alarms, {
        alarmNames: ["target-5xx-rate", "target-p99-latency", "unhealthy-hosts", "running-tasks"].map(
          (k) => `berth-staging-web-${k}`,
        ),
        enable: true,
        rollback: true,
      });
    });

    test(`service: loadBalancers[0] with its advancedConfiguration (alternate target group, production rule, ${strategy === "linear" ? "test rule, " : "no test rule, "}ECS's role)`, () => {
      const { one, arn, web } = of(strategy);
      const s = one(SERVICE, "web");
      assert.deepEqual(s.inputs.loadBalancers, [
        {
          targetGroupArn: arn(TG, "alb-web"),
          containerName: "web",
          containerPort: web.port,
          advancedConfiguration: {
            alternateTargetGroupArn: arn(TG, "alt-web"),
            productionListenerRule: arn(RULE, "alb-web"),
            ...(strategy === "linear" ? { testListenerRule: arn(RULE, "alb-web-test") } : {}),
            roleArn: arn("aws:iam/role:Role", "alb-ecs-infrastructure"),
          },
        },
      ]);
      // ECS owns the target group pair after a deployment; the pair is in a set, so the whole set is ignored
      // (tests/ecs/ecsOwnedFields.test.ts).
      assert.deepEqual(s.options!.ignoreChanges, ["desiredCount", ...ECS_OWNED_SERVICE_FIELDS]);
    });

    test("alternate target group: the primary's twin (ip targets on the service's port, same health check), tagged -alt", () => {
      const { one, web } = of(strategy);
      const primary = one(TG, "alb-web").inputs;
      const alt = one(TG, "alt-web").inputs;
      assert.equal(alt.targetType, "ip", "awsvpc tasks register by IP");
      assert.equal(alt.port, web.port);
      assert.equal(alt.protocol, "HTTP");
      assert.equal(alt.vpcId, primary.vpcId);
      assert.deepEqual(alt.healthCheck, primary.healthCheck);
      assert.equal(alt.healthCheck.path, "/health");
      assert.equal(alt.deregistrationDelay, primary.deregistrationDelay);
      assert.deepEqual(
        { ...alt, tags: undefined },
        { ...primary, tags: undefined },
        "ECS alternates between the two: nothing else differs",
      );
      assert.deepEqual(alt.tags, { Name: "berth-staging-web-alt", service: "web" });
    });

    test("production listener rule: /* at the default route's priority on the traffic listener, forwarding 100/0 to primary/alternate, actions ECS's", () => {
      const { one, arn } = of(strategy);
      const rule = one(RULE, "alb-web");
      assert.equal(
        rule.inputs.listenerArn,
        arn(LISTENER, "alb-https"),
        "staging has a certificate: HTTPS carries the traffic",
      );
      assert.equal(rule.inputs.priority, DEFAULT_ROUTE_RULE_PRIORITY);
      assert.deepEqual(rule.inputs.conditions, [{ pathPattern: { values: ["/*"] } }]);
      assert.deepEqual(rule.inputs.actions, [
        {
          type: "forward",
          forward: {
            targetGroups: [
              { arn: arn(TG, "alb-web"), weight: 100 },
              { arn: arn(TG, "alt-web"), weight: 0 },
            ],
          },
        },
      ]);
      assert.deepEqual(rule.options!.ignoreChanges, [...ECS_OWNED_LISTENER_RULE_FIELDS]);
    });

    test("the ECS infrastructure role: assumed by ecs.amazonaws.com, with AmazonECSInfrastructureRolePolicyForLoadBalancers", () => {
      const { one, all } = of(strategy);
      const role = one("aws:iam/role:Role", "alb-ecs-infrastructure");
      const trust = JSON.parse(role.inputs.assumeRolePolicy);
      assert.deepEqual(
        trust.Statement.map((s: any) => [s.Effect, s.Principal, s.Action]),
        [["Allow", { Service: "ecs.amazonaws.com" }, "sts:AssumeRole"]],
      );
      const attachments = all("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
        (a) => a.inputs.role === role.state.name,
      );
      assert.deepEqual(
        attachments.map((a) => a.inputs.policyArn),
        [ECS_INFRASTRUCTURE_POLICY_ARN],
      );
    });

    if (strategy === "linear") {
      test("test listener (configured): its own port and certificate, its rule 100/0 with actions ECS's, reachable only from the configured CIDRs", () => {
        const { one, arn, all } = of(strategy);
        const listener = one(LISTENER, "alb-test-web");
        assert.equal(listener.inputs.loadBalancerArn, arn("aws:lb/loadBalancer:LoadBalancer", "alb"));
        assert.equal(listener.inputs.port, TEST_LISTENER.port);
        assert.equal(listener.inputs.protocol, "HTTPS");
        assert.equal(listener.inputs.certificateArn, one(LISTENER, "alb-https").inputs.certificateArn);
        assert.deepEqual(listener.inputs.defaultActions, [{ type: "forward", targetGroupArn: arn(TG, "alb-web") }]);
        const rule = one(RULE, "alb-web-test");
        assert.equal(rule.inputs.listenerArn, listener.state.arn);
        assert.equal(rule.inputs.priority, 1);
        assert.deepEqual(rule.inputs.conditions, [{ pathPattern: { values: ["/*"] } }]);
        assert.deepEqual(rule.inputs.actions, [
          {
            type: "forward",
            forward: {
              targetGroups: [
                { arn: arn(TG, "alb-web"), weight: 100 },
                { arn: arn(TG, "alt-web"), weight: 0 },
              ],
            },
          },
        ]);
        assert.deepEqual(rule.options!.ignoreChanges, [...ECS_OWNED_LISTENER_RULE_FIELDS]);
        const ingress = all("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
          (r) => r.inputs.fromPort === TEST_LISTENER.port,
        );
        assert.deepEqual(
          ingress.map((r) => [r.inputs.toPort, r.inputs.cidrIpv4, r.inputs.ipProtocol]),
          [[TEST_LISTENER.port, "203.0.113.0/24", "tcp"]],
        );
      });
    } else {
      test("no test listener when none is configured: no listener, rule or ingress for test traffic", () => {
        const { all } = of(strategy);
        assert.deepEqual(
          all(LISTENER)
            .map((l) => l.name)
            .sort(),
          ["alb-http", "alb-https"],
        );
        assert.deepEqual(
          all(RULE).map((r) => r.name),
          ["alb-web"],
        );
        assert.equal(
          all("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
            (r) => ![80, 443].includes(r.inputs.fromPort),
          ).length,
          0,
        );
      });
    }

    test("the alarms read both target groups (ECS swaps them after each deployment)", () => {
      const { one } = of(strategy);
      const both = [one(TG, "alb-web").state.arnSuffix, one(TG, "alt-web").state.arnSuffix].sort();
      assert.deepEqual(alarmGroups(strategy), {
        "target-5xx-rate": both,
        "target-p99-latency": both,
        "unhealthy-hosts": both,
      });
    });
  });
}

describe("staging with web deploying rolling: ECS's rolling update, nothing of the traffic-shifting strategies", () => {
  test("service: ROLLING with the circuit breaker (rollback) and 100/200 %", () => {
    const s = of("rolling").one(SERVICE, "web").inputs;
    assert.deepEqual(s.deploymentConfiguration, { strategy: "ROLLING" });
    assert.deepEqual(s.deploymentCircuitBreaker, { enable: true, rollback: true });
    assert.equal(s.deploymentMinimumHealthyPercent, 100);
    assert.equal(s.deploymentMaximumPercent, 200);
  });

  test("service: one target group, no advancedConfiguration; only desiredCount ignored", () => {
    const { one, arn, web } = of("rolling");
    const s = one(SERVICE, "web");
    assert.deepEqual(s.inputs.loadBalancers, [
      { targetGroupArn: arn(TG, "alb-web"), containerName: "web", containerPort: web.port },
    ]);
    assert.deepEqual(s.options!.ignoreChanges, ["desiredCount"]);
  });

  test("no alternate target group, no production or test rule, no ECS infrastructure role: the listener's default action forwards to the one group", () => {
    const { all, one, arn } = of("rolling");
    assert.deepEqual(
      all(TG).map((t) => t.name),
      ["alb-web"],
    );
    assert.deepEqual(
      all(RULE).map((r) => r.name),
      [],
      "a default route with no conditions needs no rule",
    );
    assert.equal(all("aws:iam/role:Role").filter((r) => r.name === "alb-ecs-infrastructure").length, 0);
    assert.deepEqual(
      all(LISTENER)
        .map((l) => l.name)
        .sort(),
      ["alb-http", "alb-https"],
    );
    assert.deepEqual(one(LISTENER, "alb-https").inputs.defaultActions, [
      { type: "forward", targetGroupArn: arn(TG, "alb-web") },
    ]);
  });

  test("the alarms read the one target group", () => {
    const tg = [of("rolling").one(TG, "alb-web").state.arnSuffix];
    assert.deepEqual(alarmGroups("rolling"), {
      "target-5xx-rate": tg,
      "target-p99-latency": tg,
      "unhealthy-hosts": tg,
    });
  });
});
