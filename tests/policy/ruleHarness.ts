/**
 * Runs one rule through the real pack: policy/index.ts started as the CLI starts it, every other rule disabled in the
 * pack config sent with `Configure` (offline/evaluate.ts, offline/analyzerClient.ts). Not a test file.
 */
import type { BerthRule } from "../../policy/rules";
import { evaluateRules, type PackConfig, type PolicySubject } from "../../offline/evaluate";

export function subject(type: string, props: Record<string, any>, name = "r"): PolicySubject {
  return { type, name, urn: `urn:pulumi:test::berth::${type}::${name}`, props };
}

/** The messages one rule reports for one resource's inputs. Throws when the rule itself threw. */
export function violationsOf(
  rule: BerthRule,
  type: string,
  props: Record<string, any>,
  config: PackConfig = {},
): Promise<string[]> {
  return violationsOfStack(rule, [subject(type, props)], config);
}

export async function violationsOfStack(
  rule: BerthRule,
  resources: PolicySubject[],
  config: PackConfig = {},
): Promise<string[]> {
  const ev = await evaluateRules(resources, { rules: [rule], config: { [rule.name]: "mandatory", ...config } });
  if (ev.errors.length) throw new Error(`rule ${rule.name} threw: ${ev.errors.map((e) => e.error).join("; ")}`);
  return ev.violations.map((v) => v.message);
}

/** A task definition with one container, hardened like FargateService renders it; `container` overrides fields. */
export function taskDefinition(
  container: Record<string, any> = {},
  task: Record<string, any> = {},
): Record<string, any> {
  const c = {
    name: "web",
    image: `111111111111.dkr.ecr.eu-west-1.amazonaws.com/berth@sha256:${"a".repeat(64)}`,
    essential: true,
    user: "1654:1654",
    readonlyRootFilesystem: true,
    privileged: false,
    linuxParameters: { capabilities: { drop: ["ALL"], add: [] }, initProcessEnabled: true },
    healthCheck: {
      command: ["CMD", "/app/berth", "--healthcheck"],
      interval: 10,
      timeout: 3,
      retries: 3,
      startPeriod: 5,
    },
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": "/berth/staging/web",
        "awslogs-region": "eu-west-1",
        "awslogs-stream-prefix": "web",
        mode: "non-blocking",
        "max-buffer-size": "25m",
      },
    },
    environment: [{ name: "Berth__Environment", value: "staging" }],
    ...container,
  };
  return {
    family: "berth-staging-web",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    cpu: "256",
    memory: "512",
    executionRoleArn: "arn:aws:iam::111111111111:role/exec",
    taskRoleArn: "arn:aws:iam::111111111111:role/task",
    containerDefinitions: JSON.stringify([c]),
    ...task,
  };
}
