/** The services map (`berth:services`). Owner: ECS service engineer (H4a). */
export interface ServiceSettings {
  /** The map key, e.g. `web`, `worker`. */
  name: string;
  /** Arguments given to the image's ENTRYPOINT (`["worker"]`); empty for the default web mode. */
  command: string[];
  /** Task size (a Fargate cpu/memory pair). */
  cpu: number;
  memory: number;
  port: number;
  desiredCount: number;
  autoscaling: { minCount: number; maxCount: number; cpuTargetPercent: number; memoryTargetPercent: number };
  /** Behind the load balancer on these rules; undefined for a service with no load balancer (a worker). */
  route?: { pathPatterns: string[]; hostHeaders: string[]; priority: number; isDefault: boolean };
  healthCheck: { intervalSeconds: number; timeoutSeconds: number; retries: number; startPeriodSeconds: number };
  healthCheckGracePeriodSeconds: number;
  stopTimeoutSeconds: number;
  environment: Record<string, string>;
  /** Environment variable name -> SSM parameter or Secrets Manager ARN. */
  secrets: Record<string, string>;
  enableExecuteCommand: boolean;
  /** On unless switched off explicitly, per setting; the policy pack still flags every opt-out. */
  hardening: {
    readonlyRootFilesystem: boolean;
    nonRootUser: boolean;
    dropAllCapabilities: boolean;
    initProcess: boolean;
    nonBlockingLogs: boolean;
    circuitBreakerRollback: boolean;
  };
}

import type { ConfigSection } from "./section";
import type { Environment } from "../config";

// Minimal reader so the program runs end to end; H4a completes validation (Fargate pairs, routes, ...) and defaults.
export function readServiceSettings(name: string, s: ConfigSection, environment: Environment): ServiceSettings {
  const h = s.section("hardening");
  const hc = s.section("healthCheck");
  const as = s.section("autoscaling");
  const route = s.has("route") ? s.section("route") : undefined;
  const desiredCount = s.integer("desiredCount", { default: environment === "prod" ? 2 : 1, min: 0, max: 100 });
  const out: ServiceSettings = {
    name,
    command: s.stringList("command", { default: [] }),
    cpu: s.integer("cpu", { default: 256 }),
    memory: s.integer("memory", { default: 512 }),
    port: s.integer("port", { default: 8080, min: 1024, max: 65535 }),
    desiredCount,
    autoscaling: {
      minCount: as.integer("minCount", { default: desiredCount, min: 0 }),
      maxCount: as.integer("maxCount", { default: Math.max(desiredCount, 1) * 4, min: 1 }),
      cpuTargetPercent: as.integer("cpuTargetPercent", { default: 60, min: 10, max: 90 }),
      memoryTargetPercent: as.integer("memoryTargetPercent", { default: 75, min: 10, max: 90 }),
    },
    route: route && {
      pathPatterns: route.stringList("pathPatterns", { default: ["/*"] }),
      hostHeaders: route.stringList("hostHeaders", { default: [] }),
      priority: route.integer("priority", { default: 100, min: 1, max: 50000 }),
      isDefault: route.boolean("default", false),
    },
    healthCheck: {
      intervalSeconds: hc.integer("intervalSeconds", { default: 10, min: 5, max: 300 }),
      timeoutSeconds: hc.integer("timeoutSeconds", { default: 3, min: 2, max: 120 }),
      retries: hc.integer("retries", { default: 3, min: 1, max: 10 }),
      startPeriodSeconds: hc.integer("startPeriodSeconds", { default: 5, min: 0, max: 300 }),
    },
    healthCheckGracePeriodSeconds: s.integer("healthCheckGracePeriodSeconds", { default: 10, min: 0, max: 2147483647 }),
    stopTimeoutSeconds: s.integer("stopTimeoutSeconds", { default: 30, min: 2, max: 120 }),
    environment: s.stringMap("environment"),
    secrets: s.stringMap("secrets"),
    enableExecuteCommand: s.boolean("enableExecuteCommand", false),
    hardening: {
      readonlyRootFilesystem: h.boolean("readonlyRootFilesystem", true),
      nonRootUser: h.boolean("nonRootUser", true),
      dropAllCapabilities: h.boolean("dropAllCapabilities", true),
      initProcess: h.boolean("initProcess", true),
      nonBlockingLogs: h.boolean("nonBlockingLogs", true),
      circuitBreakerRollback: h.boolean("circuitBreakerRollback", true),
    },
  };
  for (const sub of [h, hc, as, route]) sub?.done();
  s.done();
  return out;
}
