// Issue 12, item 4: Berth's program does not fight ECS's traffic shifts. After a canary (or linear, blue/green)
// deployment ECS has moved the production and test listener rules' forward weights to the new revision's target group
// and swapped the service's target group pair; the next `pulumi up` must not put them back (peers that did:
// hashicorp/terraform-provider-aws#45678, pulumi/pulumi-awsx#856, terraform-aws-modules/terraform-aws-alb#409).
//
// The program runs twice under mocks (prod, web with a test listener). The second run's registrations, with the
// resource options the SDK sends the engine (offline/mockRuntime.ts records ignoreChanges), are diffed the way the
// engine does (./engineDiff.ts, a port of pulumi/pulumi processIgnoreChanges + PropertyPath.Reset) against the state
// ECS leaves behind, as a refresh (`pulumi up --refresh`) records it.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { CapturedResource, CapturedStack } from "../../offline/mockRuntime";
import { anyStackOutputs, captureProgram, stackConfig, SHA } from "../support";
import { bridgedSecondRunDiff, processIgnoreChanges, secondRunDiff } from "./engineDiff";
import { ECS_OWNED_LISTENER_RULE_FIELDS } from "../../infra/network/loadBalancer";
import { ECS_OWNED_SERVICE_FIELDS } from "../../infra/ecs/fargateService";

const TEST_LISTENER = { port: 8443, ingressCidrs: ["203.0.113.0/24"] };
const stagingOutputs = {
  sourceSha: SHA,
  imageDigest: `sha256:${"cd".repeat(32)}`,
  ranDigests: [`sha256:${"cd".repeat(32)}`],
};

async function run(deployment: Record<string, unknown>): Promise<CapturedStack> {
  const config = stackConfig("prod", (s) => void (s.web!.deployment = deployment));
  const c = await captureProgram({ stack: "prod", config, stackOutputs: anyStackOutputs(stagingOutputs) });
  if (c.error) throw c.error;
  return c;
}

const one = (c: CapturedStack, type: string, name: string): CapturedResource => {
  const found = c.resources.filter((r) => r.type === type && r.name === name);
  assert.equal(found.length, 1, `one ${type} ${name}`);
  return found[0]!;
};
const RULE = "aws:lb/listenerRule:ListenerRule";
const SERVICE = "aws:ecs/service:Service";
const TG = "aws:lb/targetGroup:TargetGroup";

let first: CapturedStack;
let second: CapturedStack;
let switching: CapturedStack;

before(async () => {
  first = await run({ testListener: TEST_LISTENER });
  second = await run({ testListener: TEST_LISTENER });
  switching = await run({ testListener: TEST_LISTENER, switchingFromRolling: true });
});

/** What ECS leaves after one deployment: the new revision (in the alternate group) takes 100 % (cdk-real-drift#1730 saw green=100/blue=0). */
function afterDeployment(c: CapturedStack) {
  const blue = one(c, TG, "alb-web").state.arn as string;
  const green = one(c, TG, "alt-web").state.arn as string;
  const shifted = {
    type: "forward",
    forward: {
      targetGroups: [
        { arn: blue, weight: 0 },
        { arn: green, weight: 100 },
      ],
    },
  };
  const rule = (name: string) => ({ ...structuredClone(one(c, RULE, name).inputs), actions: [shifted] });
  const service = structuredClone(one(c, SERVICE, "web").inputs);
  service.loadBalancers[0].targetGroupArn = green;
  service.loadBalancers[0].advancedConfiguration.alternateTargetGroupArn = blue;
  return { productionRule: rule("alb-web"), testRule: rule("alb-web-test"), service, blue, green };
}

describe("second run after an ECS canary deployment (prod web, with a test listener)", () => {
  test("the program registers the same inputs both times (the state does not feed the program)", () => {
    for (const [type, name] of [
      [RULE, "alb-web"],
      [RULE, "alb-web-test"],
      [SERVICE, "web"],
    ] as const) {
      assert.deepEqual(one(second, type, name).inputs, one(first, type, name).inputs, `${type} ${name}`);
    }
  });

  test("the rules ECS shifts start with all traffic on the primary target group, and ignore their actions", () => {
    const { blue, green } = afterDeployment(first);
    for (const name of ["alb-web", "alb-web-test"]) {
      const r = one(second, RULE, name);
      assert.deepEqual(r.inputs.actions, [
        {
          type: "forward",
          forward: {
            targetGroups: [
              { arn: blue, weight: 100 },
              { arn: green, weight: 0 },
            ],
          },
        },
      ]);
      assert.deepEqual(r.options!.ignoreChanges, [...ECS_OWNED_LISTENER_RULE_FIELDS]);
    }
    assert.deepEqual(one(second, SERVICE, "web").options!.ignoreChanges, ["desiredCount", ...ECS_OWNED_SERVICE_FIELDS]);
    // The worker deploys rolling: nothing of it belongs to ECS but its count (autoscaling).
    assert.deepEqual(one(second, SERVICE, "worker").options!.ignoreChanges, ["desiredCount"]);
  });

  test("no diff on the production and test rules' weights, nor on the service's swapped target groups", () => {
    const ecs = afterDeployment(first);
    assert.deepEqual(
      secondRunDiff(
        ecs.productionRule,
        one(second, RULE, "alb-web").inputs,
        one(second, RULE, "alb-web").options!.ignoreChanges,
      ),
      [],
    );
    assert.deepEqual(
      secondRunDiff(
        ecs.testRule,
        one(second, RULE, "alb-web-test").inputs,
        one(second, RULE, "alb-web-test").options!.ignoreChanges,
      ),
      [],
    );
    const svc = one(second, SERVICE, "web");
    assert.deepEqual(secondRunDiff(ecs.service, svc.inputs, svc.options!.ignoreChanges), []);
    // What reaches the provider keeps ECS's pair (green primary, blue alternate) and Berth's rule, role and port.
    const sent = processIgnoreChanges(svc.inputs, ecs.service, svc.options!.ignoreChanges) as any;
    assert.equal(sent.loadBalancers[0].targetGroupArn, ecs.green);
    assert.equal(sent.loadBalancers[0].advancedConfiguration.alternateTargetGroupArn, ecs.blue);
    assert.equal(
      sent.loadBalancers[0].advancedConfiguration.productionListenerRule,
      one(second, RULE, "alb-web").state.arn,
    );
  });

  test("without the ignoreChanges the same run would revert ECS: the model sees the diff", () => {
    const ecs = afterDeployment(first);
    assert.deepEqual(secondRunDiff(ecs.productionRule, one(second, RULE, "alb-web").inputs, []), ["actions"]);
    assert.deepEqual(secondRunDiff(ecs.testRule, one(second, RULE, "alb-web-test").inputs, []), ["actions"]);
    assert.deepEqual(secondRunDiff(ecs.service, one(second, SERVICE, "web").inputs, ["desiredCount"]), [
      "loadBalancers",
    ]);
  });

  test("Berth still owns the rest of a rule (conditions, priority); a service's load balancer block is ECS's once it shifts", () => {
    const ecs = afterDeployment(first);
    const rule = one(second, RULE, "alb-web");
    assert.deepEqual(
      secondRunDiff(
        { ...ecs.productionRule, conditions: [{ pathPattern: { values: ["/old/*"] } }], priority: 7 },
        rule.inputs,
        rule.options!.ignoreChanges,
      ),
      ["conditions", "priority"],
    );
    // The cost of ignoring the whole set (infra/ecs/fargateService.ts ECS_OWNED_SERVICE_FIELDS): a new container port
    // is not applied by an ordinary update; the switchingFromRolling update applies it (below).
    const svc = one(second, SERVICE, "web");
    const edited = structuredClone(ecs.service);
    edited.loadBalancers[0].containerPort = 9999;
    assert.deepEqual(secondRunDiff(edited, svc.inputs, svc.options!.ignoreChanges), []);
    assert.deepEqual(secondRunDiff(edited, one(switching, SERVICE, "web").inputs, ["desiredCount"]), ["loadBalancers"]);
  });
});

// `aws_ecs_service.load_balancer` is a set (terraform-provider-aws internal/service/ecs/service.go, TypeSet): the bridge
// cannot suppress a diff inside one of its elements (pulumi/pulumi-terraform-bridge#1756, #2240), and Terraform refuses
// the path outright ("Cannot index a set value", hashicorp/terraform-provider-aws#9776, #13192).
describe("ignoreChanges into a set (pulumi/pulumi-terraform-bridge#1756, #2240)", () => {
  const SETS = ["loadBalancers"];

  test("no ignored path indexes into loadBalancers (a set in the provider's schema)", () => {
    for (const path of one(second, SERVICE, "web").options!.ignoreChanges ?? []) {
      assert.ok(!/^loadBalancers\[/.test(path), `${path} indexes into the set loadBalancers: the bridge ignores it`);
    }
  });

  test("as the bridge diffs the set, the second run leaves ECS's swapped target groups alone", () => {
    const ecs = afterDeployment(first);
    const svc = one(second, SERVICE, "web");
    assert.deepEqual(bridgedSecondRunDiff(ecs.service, svc.inputs, svc.options!.ignoreChanges, SETS), []);
  });

  test("the paths into the element (loadBalancers[0].targetGroupArn, ...) would not have: the swap is reverted", () => {
    const ecs = afterDeployment(first);
    const svc = one(second, SERVICE, "web");
    const indexed = [
      "desiredCount",
      "loadBalancers[0].targetGroupArn",
      "loadBalancers[0].advancedConfiguration.alternateTargetGroupArn",
    ];
    assert.deepEqual(bridgedSecondRunDiff(ecs.service, svc.inputs, indexed, SETS), ["loadBalancers"]);
  });
});

describe("the one update that moves a rolling service to canary (deployment.switchingFromRolling)", () => {
  // The state of a service deployed rolling: no advancedConfiguration yet.
  const rollingState = (c: CapturedStack) => {
    const s = structuredClone(one(c, SERVICE, "web").inputs);
    delete s.loadBalancers[0].advancedConfiguration;
    s.deploymentConfiguration = { strategy: "ROLLING" };
    return s;
  };

  test("with loadBalancers ignored, the engine would send the rolling state's block: no alternate target group", () => {
    const svc = one(second, SERVICE, "web");
    const sent = processIgnoreChanges(svc.inputs, rollingState(second), svc.options!.ignoreChanges) as any;
    assert.equal(sent.loadBalancers[0].advancedConfiguration?.alternateTargetGroupArn, undefined);
  });

  test("switchingFromRolling: true leaves the swap to the next update, so the alternate target group reaches ECS", () => {
    const svc = one(switching, SERVICE, "web");
    assert.deepEqual(svc.options!.ignoreChanges, ["desiredCount"]);
    const sent = processIgnoreChanges(svc.inputs, rollingState(switching), svc.options!.ignoreChanges) as any;
    assert.equal(
      sent.loadBalancers[0].advancedConfiguration.alternateTargetGroupArn,
      one(switching, TG, "alt-web").state.arn,
    );
    assert.ok(
      switching.warnings.some((w) => w.includes("berth:services.web.deployment.switchingFromRolling is true")),
      switching.warnings.join("\n"),
    );
  });
});
