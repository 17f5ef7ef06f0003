/**
 * examples/: every `scripts/plan` line of an example's "What the plan says" runs as scripts/plan runs it
 * (`node --import tsx offline/plan.ts ... --json`, under Pulumi mocks) and gives exactly the exit code and the
 * mandatory and advisory rules the README states; and the resources that make each scenario are in the plan.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { runPlans, type PlanRun } from "../plan/planRunner";
import { ROOT, SAMPLE_SHA } from "../../offline/docsBlocks";
import { applyConfigOverride } from "../../offline/offlinePlan";
import { captureStack } from "../../offline/mockRuntime";
import { fixtureStackConfig } from "../support/fixtures";
import { idOf, json, one, policyOf } from "../support";

const EXAMPLES = ["http-only", "existing-vpc", "second-service", "worker-exec", "your-app"];

interface Stated {
  example: string;
  args: string[];
  exit: number;
  mandatory: string[];
  advisory: string[];
}

const rules = (cell: string) =>
  cell.trim() === "none" ? [] : [...cell.matchAll(/`(berth-[a-z0-9-]+)`/g)].map((m) => m[1]).sort();

/** The README's statements: "- `scripts/plan <args>`: exit N; mandatory: ...; advisory: ...." */
export function statedOutcomes(example: string, readme: string): Stated[] {
  const section = readme.split(/^## What the plan says$/m)[1] ?? "";
  return [...section.matchAll(/^- `scripts\/plan ([^`]+)`: exit (\d+); mandatory: (.*?); advisory: (.*)\.$/gm)].map(
    (m) => ({ example, args: m[1].split(/\s+/), exit: Number(m[2]), mandatory: rules(m[3]), advisory: rules(m[4]) }),
  );
}

const stated = EXAMPLES.flatMap((e) =>
  statedOutcomes(e, fs.readFileSync(path.join(ROOT, "examples", e, "README.md"), "utf8")),
);
let plans: Promise<PlanRun[]> | undefined;
/** All the stated plans, two at a time (each is a whole program evaluation plus the pack). */
const planned = () =>
  (plans ??= runPlans(
    stated.map((s) => [...s.args, "--image-sha", SAMPLE_SHA, "--json"]),
    2,
  ));
const planOf = async (example: string, args: string[]) => {
  const i = stated.findIndex((s) => s.example === example && s.args.join(" ") === args.join(" "));
  assert.ok(i >= 0, `examples/${example}/README.md states no outcome of \`scripts/plan ${args.join(" ")}\``);
  const run = (await planned())[i];
  assert.ok(run.json, `scripts/plan ${args.join(" ")} printed no JSON: ${run.stderr.slice(0, 500)}`);
  return run.json;
};
/** The plan's resource tree as `name (type)  summary` lines, without the tree's drawing. */
const tree = (json: any): string[] => json.tree.map((l: string) => l.replace(/^[\s│├└─]+/, ""));
const has = (json: any, re: RegExp) => tree(json).some((l) => re.test(l));

test("every example has a stack.yaml, a README and at least one stated plan outcome, each planned with that stack.yaml", () => {
  assert.deepEqual(
    fs
      .readdirSync(path.join(ROOT, "examples"))
      .filter((f) => !f.endsWith(".md"))
      .sort(),
    [...EXAMPLES].sort(),
  );
  for (const e of EXAMPLES) {
    assert.ok(fs.existsSync(path.join(ROOT, "examples", e, "stack.yaml")), `examples/${e}/stack.yaml`);
    const own = stated.filter((s) => s.example === e);
    assert.ok(own.length >= 1, `examples/${e}/README.md states no \`scripts/plan\` outcome`);
    for (const s of own) assert.ok(s.args.join(" ").includes(`--config examples/${e}/stack.yaml`), s.args.join(" "));
  }
});

test("every stated `scripts/plan` of examples/*/README.md exits as stated, with exactly the stated mandatory and advisory rules", async () => {
  const runs = await planned();
  assert.equal(runs.length, stated.length);
  stated.forEach((s, i) => {
    const json = runs[i].json;
    const where = `examples/${s.example}: scripts/plan ${s.args.join(" ")}`;
    assert.ok(json, `${where}: no JSON (exit ${runs[i].code}): ${runs[i].stderr.slice(0, 500)}`);
    assert.equal(json.error, undefined, `${where}: ${json.error}`);
    const levelled = (level: string) =>
      [
        ...new Set<string>(
          json.evaluation.violations.filter((v: any) => v.enforcementLevel === level).map((v: any) => v.rule),
        ),
      ].sort();
    assert.deepEqual(
      { exit: runs[i].code, mandatory: levelled("mandatory"), advisory: levelled("advisory") },
      { exit: s.exit, mandatory: s.mandatory, advisory: s.advisory },
      where,
    );
    assert.equal(json.cloudLimits.problems.length, 0, `${where}: cloud limits`);
    // The providers' Check constraints (offline/providerConstraints.ts, facts in offline/providerSource/).
    assert.deepEqual(json.providerConstraints.problems, [], `${where}: provider constraints`);
  });
});

test("every resource type the examples register has provider facts (offline/providerSource/)", async () => {
  const runs = await planned();
  const missing = [...new Set(runs.flatMap((r) => (r.json?.providerConstraints?.withoutFacts ?? []) as string[]))];
  assert.deepEqual(missing.sort(), [], "types without an entry in PROVIDER_FACTS");
});

test("http-only: one web service, one HTTP listener on 80 that forwards, no HTTPS listener, the warning said", async () => {
  const json = await planOf("http-only", [
    "staging",
    "--config",
    "examples/http-only/stack.yaml",
    "--policy-config",
    "examples/http-only/policy.json",
  ]);
  assert.ok(has(json, /^alb-http {2}\(aws:lb\/listener:Listener\) {2}HTTP:80 forward$/), tree(json).join("\n"));
  assert.ok(!has(json, /\(aws:lb\/listener:Listener\) {2}HTTPS/), "no HTTPS listener");
  assert.deepEqual(
    tree(json).filter((l) => l.includes("(berth:ecs:FargateService)")),
    ["web  (berth:ecs:FargateService)"],
  );
  assert.ok(!has(json, /tcp:443-443/), "port 443 is not opened");
  assert.ok(
    json.warnings.some((w: string) => w.includes("berth:loadBalancer.certificateArn is not set")),
    json.warnings.join("\n"),
  );
  assert.deepEqual(
    json.evaluation.changedLevels.map((c: any) => c.rule).sort(),
    ["berth-alb-http-redirects", "berth-alb-https"],
    "policy.json opts out of exactly the two rules",
  );
});

test("existing-vpc: no VPC, subnet, gateway or route table is created; flow logs and the closed default security group still are", async () => {
  const json = await planOf("existing-vpc", ["staging", "--config", "examples/existing-vpc/stack.yaml"]);
  for (const type of [
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/routeTable:RouteTable",
  ])
    assert.ok(!tree(json).some((l) => l.includes(`(${type})`)), `${type} is not created`);
  assert.ok(has(json, /\(aws:ec2\/flowLog:FlowLog\) {2}traffic=ALL/));
  assert.ok(has(json, /\(aws:ec2\/defaultSecurityGroup:DefaultSecurityGroup\) {2}no rules \(closed\)/));
  // The load balancer's egress is held to the VPC's own CIDR (aws.ec2.getVpc; the mocks' answer).
  assert.ok(
    has(json, /^alb-out-8080 .* to 10\.20\.0\.0\/16$/),
    tree(json)
      .filter((l) => l.startsWith("alb-out"))
      .join("\n"),
  );
});

test("second-service: api has its own target groups and listener rule next to web's; three services", async () => {
  const json = await planOf("second-service", ["staging", "--config", "examples/second-service/stack.yaml"]);
  const groups = tree(json)
    .filter((l) => l.includes("(aws:lb/targetGroup:TargetGroup)"))
    .map((l) => l.split("  ")[0])
    .sort();
  assert.deepEqual(groups, ["alb-api", "alb-web", "alt-api", "alt-web"]);
  const rulesOf = tree(json)
    .filter((l) => l.includes("(aws:lb/listenerRule:ListenerRule)"))
    .map((l) => l.split("  ")[0])
    .sort();
  assert.deepEqual(rulesOf, ["alb-api", "alb-web"]);
  assert.deepEqual(
    tree(json)
      .filter((l) => l.includes("(berth:ecs:FargateService)"))
      .map((l) => l.split("  ")[0])
      .sort(),
    ["api", "web", "worker"],
  );
  assert.deepEqual(
    tree(json)
      .filter((l) => l.startsWith("alb-out-"))
      .map((l) => l.split("  ")[0])
      .sort(),
    ["alb-out-8080", "alb-out-8081"],
    "one egress rule per port: both services' app port 8080 once, and web's health port",
  );
});

test("worker-exec: the worker's ECS service has exec on (web's has not), its task role the exec policy, the warning said", async () => {
  const json = await planOf("worker-exec", ["staging", "--config", "examples/worker-exec/stack.yaml"]);
  const service = (name: string) => tree(json).find((l) => l.startsWith(`${name}  (aws:ecs/service:Service)`)) ?? "";
  assert.match(service("worker"), / exec=ON /);
  assert.doesNotMatch(service("web"), /exec=ON/);
  assert.ok(has(json, /^worker-exec {2}\(aws:iam\/rolePolicy:RolePolicy\)/), "the worker's exec policy");
  assert.deepEqual(
    json.switchedOff.map((s: any) => [s.key, s.rule]),
    [["berth:services.worker.enableExecuteCommand", "berth-ecs-exec-disabled"]],
  );
  assert.ok(
    json.warnings.some((w: string) => w.startsWith("berth:services.worker.enableExecuteCommand is true")),
    json.warnings.join("\n"),
  );
});

/** The fixture stack file with an example's stack.yaml applied key by key, as `scripts/plan --config` applies it. */
function exampleConfig(stack: string, example: string): Record<string, string> {
  const doc = parseYaml(fs.readFileSync(path.join(ROOT, "examples", example, "stack.yaml"), "utf8"));
  let config: Record<string, string> = { ...fixtureStackConfig(stack), "berth:imageSha": SAMPLE_SHA };
  for (const [key, value] of Object.entries(doc.config as Record<string, unknown>))
    config = applyConfigOverride(config, key, value);
  return config;
}

test("your-app: what the program registers carries each of the app's needs: Dockerfile, port, health command and path, egress, task role, secret", async () => {
  const stack = await captureStack({ stack: "staging", config: exampleConfig("staging", "your-app") });
  assert.equal(stack.error, undefined, String((stack.error as Error)?.stack ?? stack.error));

  // The image: built from the example's own Dockerfile and context (relative to the working directory).
  const image = one(stack, "docker-build:index:Image", "image").inputs;
  assert.equal(path.resolve(image.dockerfile.location), path.join(ROOT, "examples/your-app/Dockerfile"));
  assert.equal(path.resolve(image.context.location), path.join(ROOT, "examples/your-app"));

  // The container: port 3000, the app's own health command (exec form), DATABASE_URL from Secrets Manager.
  const secretArn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:your-app/database-url-a1B2c3";
  const [container] = json(one(stack, "aws:ecs/taskDefinition:TaskDefinition", "your-app").inputs.containerDefinitions);
  assert.equal(container.name, "your-app");
  assert.deepEqual(container.portMappings, [{ containerPort: 3000, hostPort: 3000, protocol: "tcp" }]);
  assert.deepEqual(container.healthCheck.command, ["CMD", "python3", "/app/healthcheck.py"]);
  assert.deepEqual(container.secrets, [{ name: "DATABASE_URL", valueFrom: secretArn }]);
  const execution = policyOf(one(stack, "aws:iam/rolePolicy:RolePolicy", "your-app-execution")).Statement;
  assert.ok(
    execution.some((st) => st.Action === "secretsmanager:GetSecretValue" && st.Resource.includes(secretArn)),
    JSON.stringify(execution),
  );

  // The load balancer: both target groups check /healthz on port 3000; the service registers on 3000.
  for (const name of ["alb-your-app", "alt-your-app"]) {
    const tg = one(stack, "aws:lb/targetGroup:TargetGroup", name).inputs;
    assert.equal(tg.port, 3000, name);
    assert.equal(tg.healthCheck.path, "/healthz", name);
  }
  assert.equal(one(stack, "aws:ecs/service:Service", "your-app").inputs.loadBalancers[0].containerPort, 3000);

  // Egress: PostgreSQL on 5432 to the database's security group, beside HTTPS.
  const egress = one(stack, "aws:ec2/securityGroup:SecurityGroup", "your-app-tasks").inputs.egress;
  assert.deepEqual(
    egress.map((e: any) => [e.protocol, e.fromPort, e.toPort, e.cidrBlocks ?? e.securityGroups]),
    [
      ["tcp", 443, 443, ["0.0.0.0/0"]],
      ["tcp", 5432, 5432, ["sg-0a1b2c3d4e5f60718"]],
    ],
  );

  // The task role: s3:GetObject on acme-uploads, in the task role's inline policy (not the execution role's).
  const app = one(stack, "aws:iam/rolePolicy:RolePolicy", "your-app-app");
  assert.equal(app.inputs.role, idOf(one(stack, "aws:iam/role:Role", "your-app-task")));
  assert.deepEqual(policyOf(app).Statement, [
    { Sid: "ReadUploads", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::acme-uploads/*"] },
  ]);
  // The role boundary every workload role carries allows it too: a role's effective permissions are the intersection
  // of its policies and its boundary (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).
  const task = one(stack, "aws:iam/role:Role", "your-app-task").inputs;
  assert.ok(task.permissionsBoundary, "the task role has a boundary");
  const boundary = policyOf(one(stack, "aws:iam/policy:Policy", "role-boundary")).Statement;
  assert.ok(
    boundary.some(
      (st) =>
        st.Effect === "Allow" &&
        st.Action.includes("s3:GetObject") &&
        st.Resource.includes("arn:aws:s3:::acme-uploads/*"),
    ),
    JSON.stringify(boundary),
  );
});
