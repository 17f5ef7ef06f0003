/**
 * A first try without a certificate: HTTP only, forwarding, and a loud warning in the outputs and the log. Two routed
 * services: web holds the default route and a host rule, api a path rule; both rules sit on the HTTP listener.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import type { CapturedStack } from "../../offline/mockRuntime";

import { captureNetwork, one, ofType, stackConfig } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

let c: CapturedStack;

before(async () => {
  const services = JSON.parse(fixtureStackConfig("staging")["berth:services"]);
  // Rolling: a default route with conditions cannot shift traffic (one production rule), and these tests are about listeners.
  services.web.route = { default: true, hostHeaders: ["www.example.com"], priority: 30 };
  services.web.deployment = { strategy: "rolling" };
  services.api = {
    cpu: 256,
    memory: 512,
    route: { pathPatterns: ["/api/*"], priority: 20 },
    deployment: { strategy: "rolling" },
  };
  c = await captureNetwork("staging", stackConfig("staging", { "berth:loadBalancer": {}, "berth:services": services }));
  assert.equal(c.error, undefined, String(c.error));
});

test("a single HTTP listener forwards to the default route; no HTTPS listener, no redirect", () => {
  const listeners = ofType(c, "aws:lb/listener:Listener");
  assert.deepEqual(
    listeners.map((l) => l.name),
    ["alb-http"],
  );
  const http = listeners[0];
  assert.equal(http.inputs.port, 80);
  assert.equal(http.inputs.protocol, "HTTP");
  assert.equal(http.inputs.certificateArn, undefined);
  assert.deepEqual(http.inputs.defaultActions, [
    { type: "forward", targetGroupArn: one(c, "aws:lb/targetGroup:TargetGroup", "alb-web").state.arn },
  ]);
});

test("the security group opens only port 80", () => {
  const ingress = ofType(c, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
  assert.deepEqual(
    ingress.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]),
    [[80, 80, "0.0.0.0/0"]],
  );
});

test("the warnings output and the engine log both say the load balancer serves plain HTTP", () => {
  const warnings = c.outputs.warnings as string[];
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /berth:loadBalancer\.certificateArn is not set/);
  assert.match(warnings[0], /plain HTTP/);
  assert.ok(
    c.warnings.some((line) => line.includes("berth:loadBalancer.certificateArn is not set")),
    `not logged; saw: ${c.warnings.join(" | ")}`,
  );
  assert.equal(c.outputs.url, "http://alb-123456789.eu-west-1.elb.amazonaws.com");
});

test("the other hardening does not depend on the certificate", () => {
  const alb = one(c, "aws:lb/loadBalancer:LoadBalancer", "alb");
  assert.equal(alb.inputs.dropInvalidHeaderFields, true);
  assert.equal(alb.inputs.desyncMitigationMode, "defensive");
  assert.equal(alb.inputs.accessLogs.enabled, true);
});

test("listener rules attach to the HTTP listener: api by path, web by host (web also being the default action)", () => {
  const http = one(c, "aws:lb/listener:Listener", "alb-http");
  const rules = Object.fromEntries(ofType(c, "aws:lb/listenerRule:ListenerRule").map((r) => [r.name, r.inputs]));
  assert.deepEqual(Object.keys(rules).sort(), ["alb-api", "alb-web"]);
  assert.equal(rules["alb-api"].listenerArn, http.state.arn);
  assert.equal(rules["alb-web"].listenerArn, http.state.arn);
  assert.deepEqual(rules["alb-api"].conditions, [{ pathPattern: { values: ["/api/*"] } }]);
  assert.deepEqual(rules["alb-web"].conditions, [{ hostHeader: { values: ["www.example.com"] } }]);
  assert.deepEqual([rules["alb-api"].priority, rules["alb-web"].priority], [20, 30]);
  assert.deepEqual(rules["alb-api"].actions, [
    { type: "forward", targetGroupArn: one(c, "aws:lb/targetGroup:TargetGroup", "alb-api").state.arn },
  ]);
  assert.deepEqual(rules["alb-web"].actions, [
    { type: "forward", targetGroupArn: one(c, "aws:lb/targetGroup:TargetGroup", "alb-web").state.arn },
  ]);
});
