/** A first try without a certificate: HTTP only, forwarding, and a loud warning in the outputs and the log. */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import type { CapturedStack } from "../../infra/offline/mockRuntime";
import { captureNetwork, one, ofType, stackConfig } from "./fixtures";

let c: CapturedStack;
const logged: string[] = [];

before(async () => {
  // Under mocks `pulumi.log.warn` goes to the console: record it.
  const original = console.warn;
  const originalError = console.error;
  const originalLog = console.log;
  const record = (...args: unknown[]) => void logged.push(args.map(String).join(" "));
  console.warn = record;
  console.error = record;
  console.log = record;
  try {
    c = await captureNetwork("staging", stackConfig("staging", { "berth:loadBalancer": {} }));
  } finally {
    console.warn = original;
    console.error = originalError;
    console.log = originalLog;
  }
  assert.equal(c.error, undefined, String(c.error));
});

test("a single HTTP listener forwards to the default route; no HTTPS listener, no redirect", () => {
  const listeners = ofType(c, "aws:lb/listener:Listener");
  assert.deepEqual(listeners.map((l) => l.name), ["alb-http"]);
  const http = listeners[0];
  assert.equal(http.inputs.port, 80);
  assert.equal(http.inputs.protocol, "HTTP");
  assert.equal(http.inputs.certificateArn, undefined);
  assert.deepEqual(http.inputs.defaultActions, [{ type: "forward", targetGroupArn: one(c, "aws:lb/targetGroup:TargetGroup", "alb-web").state.arn }]);
});

test("the security group opens only port 80", () => {
  const ingress = ofType(c, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
  assert.deepEqual(ingress.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]), [[80, 80, "0.0.0.0/0"]]);
});

test("the warnings output and the engine log both say the load balancer serves plain HTTP", () => {
  const warnings = c.outputs.warnings as string[];
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /berth:loadBalancer\.certificateArn is not set/);
  assert.match(warnings[0], /plain HTTP/);
  assert.ok(logged.some((line) => line.includes("berth:loadBalancer.certificateArn is not set")), `not logged; saw: ${logged.join(" | ")}`);
  assert.equal(c.outputs.url, "http://alb-123456789.eu-west-1.elb.amazonaws.com");
});

test("the other hardening does not depend on the certificate", () => {
  const alb = one(c, "aws:lb/loadBalancer:LoadBalancer", "alb");
  assert.equal(alb.inputs.dropInvalidHeaderFields, true);
  assert.equal(alb.inputs.desyncMitigationMode, "defensive");
  assert.equal(alb.inputs.accessLogs.enabled, true);
});
