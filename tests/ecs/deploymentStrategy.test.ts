// berth:services.<name>.deployment: each strategy's ECS settings, field by field, and the combinations ECS (or Berth)
// refuses, each naming its key. Ranges: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html,
// API_CanaryConfiguration.html (canaryPercent multiples of 0.1 from 0.1 to 100, canaryBakeTimeInMinutes 0-1440),
// API_LinearConfiguration.html (stepPercent multiples of 0.1 from 3 to 100, stepBakeTimeInMinutes 0-1440).
import { test } from "node:test";
import assert from "node:assert/strict";
import { problemAt, problemsFor, service, settingsFor } from "../support";
import { renderDeploymentSettings, describeDeployment } from "../../infra/ecs/fargateService";
import { keySettings } from "../../offline/offlinePlan";

const web = (deployment: Record<string, unknown>) => (s: Record<string, Record<string, unknown>>) =>
  void (s.web!.deployment = deployment);
const KEY = "berth:services.web.deployment";

test("defaults: prod web a 10 % canary watched 5 min, baked 10 min; staging web the same canary with no waits; workers rolling", () => {
  assert.deepEqual(service(settingsFor("prod"), "web").deployment, {
    strategy: "canary",
    bakeTimeMinutes: 10,
    canary: { percent: 10, bakeTimeMinutes: 5 },
    linear: undefined,
    testListener: undefined,
    switchingFromRolling: false,
  });
  assert.deepEqual(service(settingsFor("staging"), "web").deployment, {
    strategy: "canary",
    bakeTimeMinutes: 0,
    canary: { percent: 10, bakeTimeMinutes: 0 },
    linear: undefined,
    testListener: undefined,
    switchingFromRolling: false,
  });
  for (const stack of ["staging", "prod"] as const)
    assert.equal(service(settingsFor(stack), "worker").deployment.strategy, "rolling");
});

test("rolling renders ECS's rolling update: ROLLING, circuit breaker (rollback per hardening), 100/200", () => {
  const d = service(settingsFor("prod", web({ strategy: "rolling" })), "web").deployment;
  assert.deepEqual(renderDeploymentSettings(d, true), {
    deploymentConfiguration: { strategy: "ROLLING" },
    deploymentCircuitBreaker: { enable: true, rollback: true },
    deploymentMinimumHealthyPercent: 100,
    deploymentMaximumPercent: 200,
  });
  assert.deepEqual(renderDeploymentSettings(d, false).deploymentCircuitBreaker, { enable: true, rollback: false });
  assert.equal(describeDeployment(d), "rolling");
});

test("canary renders CANARY with its percent and both bake times (minutes as the provider's strings)", () => {
  const d = service(
    settingsFor(
      "prod",
      web({ strategy: "canary", canaryPercent: 2.5, canaryBakeTimeMinutes: 15, bakeTimeMinutes: 30 }),
    ),
    "web",
  ).deployment;
  assert.deepEqual(renderDeploymentSettings(d, true), {
    deploymentConfiguration: {
      strategy: "CANARY",
      bakeTimeInMinutes: "30",
      canaryConfiguration: { canaryPercent: 2.5, canaryBakeTimeInMinutes: "15" },
    },
  });
  assert.equal(describeDeployment(d), "canary 2.5% for 15m, bake 30m");
});

test("linear renders LINEAR with its step and step bake time", () => {
  const d = service(
    settingsFor(
      "staging",
      web({ strategy: "linear", linearStepPercent: "20", linearStepBakeTimeMinutes: 3, bakeTimeMinutes: 5 }),
    ),
    "web",
  ).deployment;
  assert.deepEqual(renderDeploymentSettings(d, true), {
    deploymentConfiguration: {
      strategy: "LINEAR",
      bakeTimeInMinutes: "5",
      linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: "3" },
    },
  });
});

test("blueGreen renders BLUE_GREEN with its bake time (required by ECS for BLUE_GREEN), no canary or linear block", () => {
  const d = service(settingsFor("prod", web({ strategy: "blueGreen", bakeTimeMinutes: 20 })), "web").deployment;
  assert.deepEqual(renderDeploymentSettings(d, true), {
    deploymentConfiguration: { strategy: "BLUE_GREEN", bakeTimeInMinutes: "20" },
  });
});

test("out-of-range values are refused naming the key (ECS API ranges)", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ strategy: "canary", canaryPercent: 0 }, "canaryPercent"],
    [{ strategy: "canary", canaryPercent: 100.1 }, "canaryPercent"],
    [{ strategy: "canary", canaryPercent: 10.05 }, "canaryPercent"],
    [{ strategy: "canary", canaryBakeTimeMinutes: 1441 }, "canaryBakeTimeMinutes"],
    [{ strategy: "canary", bakeTimeMinutes: -1 }, "bakeTimeMinutes"],
    [{ strategy: "linear", linearStepPercent: 2.9 }, "linearStepPercent"],
    [{ strategy: "linear", linearStepBakeTimeMinutes: 2000 }, "linearStepBakeTimeMinutes"],
    [{ strategy: "blueGreen", bakeTimeMinutes: 1441 }, "bakeTimeMinutes"],
    [{ strategy: "allAtOnce" }, "strategy"],
  ];
  for (const [deployment, key] of cases) {
    const p = problemAt(problemsFor("prod", web(deployment)), `${KEY}.${key}`);
    assert.deepEqual(p.value, deployment[key], JSON.stringify(deployment));
  }
  // The edges are accepted (in staging: prod also refuses a bake time shorter than the alarms' evaluation periods,
  // tests/observability/alarmsConfig.test.ts).
  for (const d of [
    { strategy: "canary", canaryPercent: 100 },
    { strategy: "linear", linearStepPercent: 3 },
  ])
    settingsFor("staging", web(d));
  // ECS accepts a 24-hour canary; only the deploy role's session cannot outlast it (IAM: 12 hours at most,
  // tests/delivery/config.test.ts), so that is the one problem.
  const day = { strategy: "canary", canaryPercent: 0.1, canaryBakeTimeMinutes: 1440, bakeTimeMinutes: 0 };
  assert.deepEqual(
    problemsFor("staging", web(day)).map((p) => p.key),
    ["berth:delivery.maxSessionSeconds"],
  );
});

test("a worker (no route) can only deploy rolling: canary and linear need a load balancer, blue/green would run two workers", () => {
  for (const strategy of ["canary", "linear", "blueGreen"]) {
    const p = problemAt(
      problemsFor("prod", (s) => void (s.worker!.deployment = { strategy })),
      "berth:services.worker.deployment.strategy",
    );
    assert.equal(p.value, strategy);
    assert.match(p.allowed, /"rolling"/);
  }
});

test("keys that do not apply to the strategy are refused, not ignored", () => {
  problemAt(problemsFor("prod", web({ strategy: "rolling", bakeTimeMinutes: 5 })), `${KEY}.bakeTimeMinutes`);
  problemAt(
    problemsFor("prod", web({ strategy: "rolling", testListener: { port: 8443, ingressCidrs: ["10.0.0.0/8"] } })),
    `${KEY}.testListener`,
  );
  problemAt(
    problemsFor("prod", web({ strategy: "rolling", switchingFromRolling: true })),
    `${KEY}.switchingFromRolling`,
  );
  problemAt(problemsFor("prod", web({ strategy: "linear", canaryPercent: 10 })), `${KEY}.canaryPercent`);
  problemAt(problemsFor("prod", web({ strategy: "canary", linearStepPercent: 10 })), `${KEY}.linearStepPercent`);
  problemAt(problemsFor("prod", web({ strategy: "canary", canaryPercnt: 10 })), `${KEY}.canaryPercnt`);
});

test("a test listener needs CIDRs, a port other than the production listeners', and its own port per service", () => {
  problemAt(problemsFor("prod", web({ testListener: { port: 8443 } })), `${KEY}.testListener.ingressCidrs`);
  problemAt(
    problemsFor("prod", web({ testListener: { port: 443, ingressCidrs: ["10.0.0.0/8"] } })),
    `${KEY}.testListener.port`,
  );
  problemAt(
    problemsFor("prod", web({ testListener: { port: 8443, ingressCidrs: ["0.0.0.0/0"] } })),
    `${KEY}.testListener.ingressCidrs`,
  );
  problemAt(
    problemsFor("prod", web({ testListener: { port: 8443, ingressCidrs: ["10.0.0.1/8"] } })),
    `${KEY}.testListener.ingressCidrs`,
  );
  const twoOnOnePort = (s: Record<string, Record<string, unknown>>) => {
    s.web!.deployment = { testListener: { port: 8443, ingressCidrs: ["10.0.0.0/8"] } };
    s.api = {
      route: { pathPatterns: ["/api/*"], priority: 10 },
      deployment: { testListener: { port: 8443, ingressCidrs: ["10.0.0.0/8"] } },
    };
  };
  problemAt(problemsFor("prod", twoOnOnePort), "berth:services.web.deployment.testListener.port");
});

test("a shifting default route cannot also carry conditions, and its /* rule reserves priority 50000", () => {
  problemAt(
    problemsFor("prod", (s) => void (s.web!.route = { default: true, hostHeaders: ["www.example.com"] })),
    `${KEY}.strategy`,
  );
  const p = problemAt(
    problemsFor("prod", (s) => void (s.api = { route: { pathPatterns: ["/api/*"], priority: 50000 } })),
    "berth:services.api.route.priority",
  );
  assert.match(p.allowed, /web's default route shifts traffic/);
  // With web rolling, 50000 is free again.
  settingsFor("prod", (s) => {
    s.web!.deployment = { strategy: "rolling" };
    s.api = { route: { pathPatterns: ["/api/*"], priority: 50000 } };
  });
});

// AWS: "Blue/green deployments are not supported when using Application Load Balancer listeners that have multiple
// action types configured with non-forward actions" (a mix of forward and fixed-response fails the deployment):
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html, "Limitations" (the page
// covers blue/green, linear and canary deployments).
test("a shifting service behind a listener whose default action is a fixed response is refused, naming its strategy", () => {
  for (const strategy of ["canary", "linear", "blueGreen"]) {
    const noDefault = (s: Record<string, Record<string, unknown>>) => {
      s.web!.route = { pathPatterns: ["/app/*"], priority: 10 };
      s.web!.deployment = strategy === "blueGreen" ? { strategy, bakeTimeMinutes: 10 } : { strategy };
    };
    const p = problemAt(problemsFor("prod", noDefault), `${KEY}.strategy`);
    assert.equal(p.value, strategy);
    assert.match(p.allowed, /fixed-response/);
    assert.match(p.allowed, /route\.default: true/);
  }
  // The same route deploying rolling, or a default route that forwards, is accepted.
  settingsFor("prod", (s) => {
    s.web!.route = { pathPatterns: ["/app/*"], priority: 10 };
    s.web!.deployment = { strategy: "rolling" };
  });
  settingsFor("prod", (s) => void (s.api = { route: { pathPatterns: ["/api/*"], priority: 10 } }));
});

test("the offline plan's ECS service line shows the strategy and its bake times", () => {
  const canary = renderDeploymentSettings(service(settingsFor("prod"), "web").deployment, true);
  assert.match(keySettings("aws:ecs/service:Service", canary), /circuitBreaker=n\/a strategy=CANARY 10%\/5m bake=10m /);
  const rolling = renderDeploymentSettings(service(settingsFor("prod"), "worker").deployment, true);
  assert.match(keySettings("aws:ecs/service:Service", rolling), /circuitBreaker=rollback strategy=ROLLING /);
});
