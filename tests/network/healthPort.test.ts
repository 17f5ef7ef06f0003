/**
 * A separate health port (berth:services.<name>.route.healthCheckPort): the target group checks it instead of the
 * traffic port, so an app whose serving port is saturated (every connection slot held) still answers the load
 * balancer (the sample's app/HealthPort.cs). Unset, the traffic port, as before.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { targetHealthCheck } from "../../infra/network/loadBalancer";
import { problemAt, problemsFor, service, settingsFor } from "../support";

/** The first routed service's name in the staging fixture. */
function routedName(): string {
  const s = settingsFor("staging");
  return s.services.find((x) => x.route)!.name;
}

test("a route's healthCheckPort is what the target group checks; unset, the traffic port", () => {
  const name = routedName();
  const withPort = settingsFor("staging", (services) => {
    services[name]!.route = { ...(services[name]!.route as object), healthCheckPort: 9090 };
  });
  if (withPort.target !== "aws") assert.fail("staging is an aws stack");
  assert.equal(targetHealthCheck(withPort.loadBalancer, service(withPort, name).route).port, "9090");
  const without = settingsFor("staging", (services) => {
    const { healthCheckPort: _drop, ...route } = services[name]!.route as Record<string, unknown>;
    services[name]!.route = route;
  });
  if (without.target !== "aws") assert.fail("staging is an aws stack");
  assert.equal(targetHealthCheck(without.loadBalancer, service(without, name).route).port, "traffic-port");
});

test("a healthCheckPort equal to the service's port, or privileged, is refused naming the key", () => {
  const name = routedName();
  const port = service(settingsFor("staging"), name).port;
  const same = problemsFor("staging", (services) => {
    services[name]!.route = { ...(services[name]!.route as object), healthCheckPort: port };
  });
  assert.match(
    problemAt(same, `berth:services.${name}.route.healthCheckPort`).allowed,
    /other than the service's port/,
  );
  const low = problemsFor("staging", (services) => {
    services[name]!.route = { ...(services[name]!.route as object), healthCheckPort: 80 };
  });
  assert.match(problemAt(low, `berth:services.${name}.route.healthCheckPort`).allowed, /unprivileged port/);
});
