// Bring your own app (docs/your-app.md): the settings that describe another image than the sample. Each is read
// with its default (the sample's, from the fixture stack), refused early with its key path, the value and what is
// allowed, and rendered into what ECS, the load balancer and the security group receive. Direct calls of
// loadSettings and the pure renderers, no Pulumi.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { problemAt, problemsFor, service, settingsFor, stackConfig } from "../support";
import { loadSettings, stackOptOutWarnings } from "../../infra/config";
import { readBuildSettings } from "../../infra/config/build";
import { ConfigSection } from "../../infra/config/section";
import { Problems } from "../../infra/config/problems";
import { containerSpecFor } from "../../infra/container/containerSpec";
import { renderContainerDefinition } from "../../infra/container/containerDefinition";
import { renderRunArgs } from "../../infra/local/localRun";
import { serviceWarnings, taskEgressRules } from "../../infra/ecs/fargateService";
import { targetHealthCheck } from "../../infra/network/loadBalancer";
import { CLEAN_GIT, idOf, ofType, one } from "../support";
import { captureStack } from "../../offline/mockRuntime";

const K = "berth:services";
const DIGEST = `registry.example/app@sha256:${"a".repeat(64)}`;
const S3_OBJECTS = "arn:aws:s3:::acme-uploads/*";

describe("defaults: a stack that says nothing keeps the sample's contract", () => {
  test("the sample's fixture services read the declared health check and no extra permissions, egress or groups", () => {
    for (const s of settingsFor("staging").services) {
      assert.equal(s.healthCheck.enabled, true);
      assert.ok(s.healthCheck.command.length > 0, s.name);
      assert.deepEqual(s.taskRole, { managedPolicyArns: [], statements: [] });
      assert.deepEqual(s.egress, []);
      assert.deepEqual(s.securityGroupIds, []);
      assert.equal(s.route?.healthCheckPath, undefined);
    }
    const settings = settingsFor("staging");
    assert.deepEqual(settings.build, { dockerfile: "Dockerfile", context: ".", target: undefined, args: {} });
  });
});

describe("the container health check command", () => {
  test("your own command in exec form is what ECS and podman run", () => {
    const s = settingsFor(
      "staging",
      (x) => void (x.web!.healthCheck = { command: ["python3", "/app/healthcheck.py"] }),
    );
    const web = service(s, "web");
    const definition = renderContainerDefinition(containerSpecFor(s, web, DIGEST), "/ecs/x", "eu-west-1");
    assert.deepEqual(definition.healthCheck?.command, ["CMD", "python3", "/app/healthcheck.py"]);
    const args = renderRunArgs(containerSpecFor(s, web, DIGEST), { flavour: "podman" });
    assert.equal(args[args.indexOf("--health-cmd") + 1], JSON.stringify(["python3", "/app/healthcheck.py"]));
  });

  test("a form word (CMD, CMD-SHELL, NONE) first is refused: Berth adds CMD, and a shell form needs a shell", () => {
    for (const word of ["CMD", "CMD-SHELL", "NONE"]) {
      const p = problemAt(
        problemsFor("staging", (x) => void (x.web!.healthCheck = { command: [word, "curl -f localhost"] })),
        `${K}.web.healthCheck.command`,
      );
      assert.match(p.allowed, new RegExp(`without "${word}"`));
    }
    const empty = problemAt(
      problemsFor("staging", (x) => void (x.web!.healthCheck = { command: [] })),
      `${K}.web.healthCheck.command`,
    );
    assert.match(empty.allowed, /exec form/);
  });

  test("enabled: false gives no health check anywhere, warns, and is listed as an opt-out of berth-ecs-health-check", () => {
    const s = settingsFor("staging", (x) => void (x.worker!.healthCheck = { enabled: false }));
    const worker = service(s, "worker");
    const spec = containerSpecFor(s, worker, DIGEST);
    assert.equal(renderContainerDefinition(spec, "/ecs/x", "eu-west-1").healthCheck, undefined);
    const args = renderRunArgs(spec, { flavour: "podman" });
    assert.ok(args.includes("--no-healthcheck") && !args.includes("--health-cmd"), args.join(" "));
    assert.ok(
      stackOptOutWarnings(s).some((w) => w.startsWith(`${K}.worker.healthCheck.enabled is false`)),
      stackOptOutWarnings(s).join("\n"),
    );
    const p = problemAt(
      problemsFor("staging", (x) => void (x.worker!.healthCheck = { enabled: false, command: ["/bin/true"] })),
      `${K}.worker.healthCheck.command`,
    );
    assert.match(p.allowed, /enabled: false/);
  });
});

describe("the load balancer health check per service", () => {
  test("a service's own path and matcher win over the stack's, which the others keep", () => {
    const s = settingsFor("staging", (x) => {
      x.web!.route = { default: true, healthCheckPath: "/healthz", healthCheckMatcher: "204" };
    });
    if (s.target !== "aws") assert.fail("staging is an aws stack");
    const own = targetHealthCheck(s.loadBalancer, service(s, "web").route);
    assert.equal(own.path, "/healthz");
    assert.equal(own.matcher, "204");
    const stacks = targetHealthCheck(s.loadBalancer, undefined);
    assert.equal(stacks.path, s.loadBalancer.healthCheck.path);
    assert.equal(stacks.matcher, s.loadBalancer.healthCheck.matcher);
  });

  test("a path that is not absolute and a matcher that is not one status code are refused, with the key", () => {
    const problems = problemsFor("staging", (x) => {
      x.web!.route = { default: true, healthCheckPath: "healthz", healthCheckMatcher: "ok" };
    });
    assert.match(problemAt(problems, `${K}.web.route.healthCheckPath`).allowed, /absolute URL path/);
    assert.match(problemAt(problems, `${K}.web.route.healthCheckMatcher`).allowed, /HTTP status code/);
  });
});

describe("the task role", () => {
  const withStatements = (statements: unknown[], extra: Record<string, unknown> = {}) =>
    problemsFor("staging", (x) => void Object.assign(x.web!, { taskRole: { statements }, ...extra }));

  test("statements and managed policies are read; a `*` resource is accepted and warned about", () => {
    const s = settingsFor("staging", (x) => {
      x.web!.taskRole = {
        managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
        statements: [
          { actions: ["s3:GetObject"], resources: [S3_OBJECTS] },
          { sid: "Metrics", actions: ["cloudwatch:PutMetricData"], resources: ["*"] },
        ],
      };
    });
    const web = service(s, "web");
    assert.deepEqual(web.taskRole.statements, [
      { sid: "App0", actions: ["s3:GetObject"], resources: [S3_OBJECTS] },
      { sid: "Metrics", actions: ["cloudwatch:PutMetricData"], resources: ["*"] },
    ]);
    assert.deepEqual(
      serviceWarnings(web).filter((w) => w.includes("taskRole")),
      [
        `${K}.web.taskRole.statements[1].resources is "*": cloudwatch:PutMetricData on every resource of the account (berth-iam-task-role-resources).`,
      ],
    );
  });

  test("an action not in service:Action form, a resource that is no ARN, a missing list are refused with the key", () => {
    const problems = withStatements([
      { actions: ["GetObject"], resources: [S3_OBJECTS] },
      { actions: ["s3:GetObject"], resources: ["acme-uploads"] },
      { actions: ["s3:GetObject"] },
    ]);
    assert.match(problemAt(problems, `${K}.web.taskRole.statements[0].actions`).allowed, /service:Action/);
    assert.match(problemAt(problems, `${K}.web.taskRole.statements[1].resources`).allowed, /ARNs/);
    assert.equal(problemAt(problems, `${K}.web.taskRole.statements[2].resources`).value, undefined);
  });

  test("IAM, STS and Organizations actions are refused: the role boundary denies them to every workload role", () => {
    const p = problemAt(
      withStatements([{ actions: ["s3:GetObject", "iam:PassRole"], resources: ["*"] }]),
      `${K}.web.taskRole.statements[0].actions`,
    );
    assert.equal(p.value, "iam:PassRole");
    assert.match(p.allowed, /role boundary denies them/);
  });

  test("a managed policy that is no policy ARN is refused; twice the same statement id too", () => {
    const p = problemAt(
      problemsFor("staging", (x) => void (x.web!.taskRole = { managedPolicyArns: ["AmazonS3ReadOnlyAccess"] })),
      `${K}.web.taskRole.managedPolicyArns`,
    );
    assert.match(p.allowed, /managed policy ARNs/);
    const twice = withStatements([
      { sid: "A", actions: ["s3:GetObject"], resources: [S3_OBJECTS] },
      { sid: "A", actions: ["s3:PutObject"], resources: [S3_OBJECTS] },
    ]);
    assert.equal(problemAt(twice, `${K}.web.taskRole.statements[1].sid`).value, "A");
  });

  // IAM quotas (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html, awsdocs/iam-user-guide
  // doc_source/reference_iam-quotas.md at c5e04d40): "Role policy size cannot exceed 10,240 characters" for a role's
  // inline policies together (whitespace not counted).
  const arns = (n: number) => Array.from({ length: n }, (_, i) => `arn:aws:s3:::acme-uploads/tenant-${1000 + i}/*`);
  const statementWith = (n: number) => [{ actions: ["s3:GetObject"], resources: arns(n) }];
  test("the inline policy is held to IAM's 10,240 characters per role, less what ECS Exec's policy takes", () => {
    // 37-character ARNs plus quotes and a comma: about 40 characters each.
    assert.doesNotThrow(() =>
      settingsFor("staging", (x) => void (x.web!.taskRole = { statements: statementWith(200) })),
    );
    const tooBig = problemAt(withStatements(statementWith(300)), `${K}.web.taskRole.statements`);
    assert.match(tooBig.allowed, /at most 10240 characters/);
    // About 9,000 characters: within the role's quota alone, not with ECS Exec's policy beside it.
    const withExec = problemAt(
      withStatements(statementWith(225), { enableExecuteCommand: true }),
      `${K}.web.taskRole.statements`,
    );
    assert.match(withExec.allowed, /ECS Exec/);
  });
});

describe("egress and extra security groups", () => {
  test("each destination becomes one egress rule of the task security group, after HTTPS", () => {
    const s = settingsFor("staging", (x) => {
      x.web!.egress = [
        { port: 5432, cidr: "10.0.64.0/20" },
        { port: 6379, securityGroupId: "sg-0123456789abcdef0", description: "Redis" },
        { protocol: "udp", port: 8125, toPort: 8126, prefixListId: "pl-0123456789abcdef0" },
      ];
      x.web!.securityGroupIds = ["sg-00000000000000001"];
    });
    const web = service(s, "web");
    assert.deepEqual(
      taskEgressRules(web.egress).map((r) => [
        r.protocol,
        r.fromPort,
        r.toPort,
        r.cidrBlocks ?? r.securityGroups ?? r.prefixListIds,
        r.description,
      ]),
      [
        ["tcp", 443, 443, ["0.0.0.0/0"], "HTTPS to AWS APIs and dependencies"],
        ["tcp", 5432, 5432, ["10.0.64.0/20"], "tcp 5432 to 10.0.64.0/20"],
        ["tcp", 6379, 6379, ["sg-0123456789abcdef0"], "Redis"],
        ["udp", 8125, 8126, ["pl-0123456789abcdef0"], "udp 8125-8126 to pl-0123456789abcdef0"],
      ],
    );
    assert.deepEqual(web.securityGroupIds, ["sg-00000000000000001"]);
  });

  test("no destination, two destinations, a bad CIDR, a backwards range, no port: each refused with the item's key", () => {
    const problems = problemsFor("staging", (x) => {
      x.web!.egress = [
        { port: 5432 },
        { port: 5432, cidr: "10.0.0.0/16", securityGroupId: "sg-0123456789abcdef0" },
        { port: 5432, cidr: "10.0.0.1/16" },
        { port: 6380, toPort: 6379, cidr: "10.0.0.0/16" },
        { cidr: "10.0.0.0/16" },
      ];
    });
    assert.match(problemAt(problems, `${K}.web.egress[0]`).allowed, /exactly one destination/);
    assert.match(problemAt(problems, `${K}.web.egress[1]`).allowed, /exactly one destination/);
    assert.equal(problemAt(problems, `${K}.web.egress[2].cidr`).value, "10.0.0.1/16");
    assert.equal(problemAt(problems, `${K}.web.egress[3].toPort`).value, 6379);
    assert.match(problemAt(problems, `${K}.web.egress[4].port`).allowed, /required/);
  });

  // VPC quotas (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html, awsdocs/amazon-vpc-user-guide
  // doc_source/amazon-vpc-limits.md at 1e1eda57): "60 inbound and 60 outbound rules per security group"; "Security
  // groups per network interface: 5 ... The maximum is 16".
  test("at most 59 destinations (60 outbound rules with HTTPS) and 15 extra security groups (16 per interface)", () => {
    const dest = (n: number) => Array.from({ length: n }, (_, i) => ({ port: 1024 + i, cidr: "10.0.0.0/16" }));
    assert.doesNotThrow(() => settingsFor("staging", (x) => void (x.web!.egress = dest(59))));
    assert.match(
      problemAt(
        problemsFor("staging", (x) => void (x.web!.egress = dest(60))),
        `${K}.web.egress`,
      ).allowed,
      /60 outbound rules per security group/,
    );
    const groups = (n: number) => Array.from({ length: n }, (_, i) => `sg-${String(i).padStart(17, "0")}`);
    assert.doesNotThrow(() => settingsFor("staging", (x) => void (x.web!.securityGroupIds = groups(15))));
    assert.match(
      problemAt(
        problemsFor("staging", (x) => void (x.web!.securityGroupIds = groups(16))),
        `${K}.web.securityGroupIds`,
      ).allowed,
      /16 security groups per network interface/,
    );
  });

  test("the local stack refuses them: a laptop has no task role and no security groups", () => {
    const config = stackConfig("local", (x) => {
      const first = Object.values(x)[0]!;
      first.egress = [{ port: 5432, cidr: "10.0.0.0/16" }];
      first.taskRole = { statements: [{ actions: ["s3:GetObject"], resources: [S3_OBJECTS] }] };
    });
    assert.throws(
      () => loadSettings(config, { stack: "local", git: CLEAN_GIT }),
      (e: Error) =>
        /\.egress: .*exists on AWS only/s.test(e.message) && /\.taskRole: .*exists on AWS only/s.test(e.message),
    );
  });
});

describe("berth:build", () => {
  const read = (raw: Record<string, unknown>, files: string[] = ["Dockerfile", "examples/your-app/Dockerfile"]) => {
    const problems = new Problems();
    const folders = [".", "examples/your-app"];
    const out = readBuildSettings(new ConfigSection("berth:build", raw, problems), (p, kind) =>
      (kind === "file" ? files : folders).includes(p),
    );
    return { out, problems: [...problems.list] };
  };

  test("the Dockerfile, context, target and args are read; the defaults are the sample's root Dockerfile and context", () => {
    assert.deepEqual(read({}).out, { dockerfile: "Dockerfile", context: ".", target: undefined, args: {} });
    assert.deepEqual(
      read({
        dockerfile: "examples/your-app/Dockerfile",
        context: "examples/your-app",
        target: "runtime",
        args: { PYTHON_VERSION: "3.11" },
      }).out,
      {
        dockerfile: "examples/your-app/Dockerfile",
        context: "examples/your-app",
        target: "runtime",
        args: { PYTHON_VERSION: "3.11" },
      },
    );
  });

  test("a path outside the project, a missing Dockerfile or folder, a program-set or secret-looking arg are refused", () => {
    const { problems } = read({
      dockerfile: "../other/Dockerfile",
      context: "examples/missing",
      args: { GIT_SHA: "x", NPM_TOKEN: "y" },
    });
    const at = (key: string) => problems.find((p) => p.key === key);
    assert.match(at("berth:build.dockerfile")!.allowed, /inside it/);
    assert.match(at("berth:build.context")!.allowed, /no such folder/);
    assert.match(at("berth:build.args.GIT_SHA")!.allowed, /the program sets them/);
    assert.match(at("berth:build.args.NPM_TOKEN")!.allowed, /non-secret/);
    assert.equal(at("berth:build.args.NPM_TOKEN")!.value, "(value hidden)");
    assert.match(read({ dockerfile: "app/Dockerfile" }).problems[0]!.allowed, /no such file/);
  });

  test("through loadSettings, the real project: the example's Dockerfile exists, a misspelt one is refused", () => {
    const ok = loadSettings(
      stackConfig("staging", {
        "berth:build": { dockerfile: "examples/your-app/Dockerfile", context: "examples/your-app" },
      }),
      { stack: "staging", git: CLEAN_GIT },
    );
    assert.equal(ok.build.dockerfile, "examples/your-app/Dockerfile");
    assert.throws(
      () =>
        loadSettings(stackConfig("staging", { "berth:build": { dockerfile: "examples/your-app/Dockerfle" } }), {
          stack: "staging",
          git: CLEAN_GIT,
        }),
      /berth:build\.dockerfile.*Dockerfle/s,
    );
  });
});

describe("what the program registers (under mocks)", () => {
  test("managed policies attach to the task role by name; the extra security groups join the service's own", async () => {
    const stack = await captureStack({
      stack: "staging",
      config: stackConfig("staging", (x) => {
        x.web!.taskRole = {
          managedPolicyArns: [
            "arn:aws:iam::111111111111:policy/team/read-reports",
            "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess",
          ],
        };
        x.web!.securityGroupIds = ["sg-0123456789abcdef0"];
      }),
    });
    assert.equal(stack.error, undefined, String((stack.error as Error)?.stack ?? stack.error));
    const taskRole = one(stack, "aws:iam/role:Role", "web-task");
    const attached = ofType(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((r) =>
      r.name.startsWith("web-attach-"),
    );
    assert.deepEqual(
      attached.map((r) => [r.name, r.inputs.role, r.inputs.policyArn]),
      [
        ["web-attach-read-reports", taskRole.inputs.name, "arn:aws:iam::111111111111:policy/team/read-reports"],
        ["web-attach-AmazonSQSReadOnlyAccess", taskRole.inputs.name, "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"],
      ],
    );
    // No inline `app` policy without statements; the worker's task role has none of these.
    assert.ok(!stack.resources.some((r) => r.name === "web-app" || r.name.startsWith("worker-attach-")));
    const groups = one(stack, "aws:ecs/service:Service", "web").inputs.networkConfiguration.securityGroups;
    assert.deepEqual(groups, [
      idOf(one(stack, "aws:ec2/securityGroup:SecurityGroup", "web-tasks")),
      "sg-0123456789abcdef0",
    ]);
    const workerGroups = one(stack, "aws:ecs/service:Service", "worker").inputs.networkConfiguration.securityGroups;
    assert.equal(workerGroups.length, 1);
  });
});
