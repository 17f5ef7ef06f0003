// Validation of `berth:services`: each error, with the key path, the value and what is allowed; the defaults; the
// declared web and worker services of both stacks. Direct calls of loadSettings, no Pulumi.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FARGATE_SIZES, isFargateSize } from "../../infra/config/services";
import { problemAt, problemsFor, service, settingsFor } from "../support";

const K = "berth:services";

describe("declared services", () => {
  for (const stack of ["staging", "prod"] as const) {
    test(`${stack}: web behind the ALB on the default route, worker with the worker command and no route`, () => {
      const s = settingsFor(stack);
      assert.deepEqual(
        s.services.map((x) => x.name),
        ["web", "worker"],
      );
      const web = service(s, "web");
      assert.deepEqual(web.route, {
        isDefault: true,
        pathPatterns: [],
        hostHeaders: [],
        priority: 100,
        healthCheckPort: 8081,
      });
      assert.deepEqual(web.command, []);
      const worker = service(s, "worker");
      assert.equal(worker.route, undefined);
      assert.deepEqual(worker.command, ["worker"]);
      assert.equal(worker.healthCheckGracePeriodSeconds, undefined);
    });
  }

  test("prod runs at least two tasks of each service", () => {
    for (const s of settingsFor("prod").services) {
      assert.ok(s.desiredCount >= 2, `${s.name} desiredCount ${s.desiredCount}`);
      assert.ok(s.autoscaling.minCount >= 2, `${s.name} minCount ${s.autoscaling.minCount}`);
    }
  });

  test("every hardening setting defaults to on, ECS Exec to off, for every service of both stacks", () => {
    for (const stack of ["staging", "prod"] as const) {
      for (const s of settingsFor(stack).services) {
        assert.deepEqual(
          s.hardening,
          {
            readonlyRootFilesystem: true,
            nonRootUser: true,
            dropAllCapabilities: true,
            noNewPrivileges: true,
            initProcess: true,
            nonBlockingLogs: true,
            circuitBreakerRollback: true,
            logEncryptionKey: true,
            faultInjectionDisabled: true,
          },
          `${stack}/${s.name}`,
        );
        assert.equal(s.enableExecuteCommand, false, `${stack}/${s.name}`);
        assert.equal(s.user, "10001:10001");
      }
    }
  });
});

describe("Fargate task sizes", () => {
  test("the table: 256 -> 512..2048, 4096 -> 8192..30720 by 1024, 16384 -> 32768..122880 by 8192", () => {
    assert.deepEqual(FARGATE_SIZES.get(256), [512, 1024, 2048]);
    assert.deepEqual(FARGATE_SIZES.get(512), [1024, 2048, 3072, 4096]);
    assert.equal(FARGATE_SIZES.get(4096)!.length, 23);
    assert.equal(FARGATE_SIZES.get(8192)![0], 16384);
    assert.equal(FARGATE_SIZES.get(8192)!.at(-1), 61440);
    assert.equal(FARGATE_SIZES.get(16384)!.at(-1), 122880);
    assert.ok(
      isFargateSize(1024, 8192) && !isFargateSize(1024, 1024) && !isFargateSize(256, 4096) && !isFargateSize(300, 512),
    );
  });

  test("a cpu value Fargate does not offer", () => {
    const p = problemAt(
      problemsFor("staging", (s) => void (s.web!.cpu = 300)),
      `${K}.web.cpu`,
    );
    assert.equal(p.value, 300);
    assert.match(p.allowed, /256, 512, 1024/);
  });

  test("memory not paired with the cpu", () => {
    const p = problemAt(
      problemsFor("staging", (s) => void Object.assign(s.worker!, { cpu: 256, memory: 4096 })),
      `${K}.worker.memory`,
    );
    assert.equal(p.value, 4096);
    assert.match(p.allowed, /for cpu 256, one of 512, 1024, 2048/);
  });

  test("memoryReservation above the task memory", () => {
    problemAt(
      problemsFor("staging", (s) => void (s.web!.memoryReservation = 1024)),
      `${K}.web.memoryReservation`,
    );
  });
});

describe("counts and autoscaling", () => {
  test("prod: desiredCount below 2", () => {
    const p = problemAt(
      problemsFor("prod", (s) => void (s.web!.desiredCount = 1)),
      `${K}.web.desiredCount`,
    );
    assert.match(p.allowed, /prod runs at least 2/);
  });
  test("staging accepts 1", () => {
    assert.equal(service(settingsFor("staging"), "web").desiredCount, 1);
  });
  test("autoscaling minCount above desiredCount", () => {
    problemAt(
      problemsFor(
        "staging",
        (s) => void Object.assign(s.web!, { desiredCount: 2, autoscaling: { minCount: 3, maxCount: 6 } }),
      ),
      `${K}.web.autoscaling.minCount`,
    );
  });
  test("autoscaling maxCount below desiredCount", () => {
    problemAt(
      problemsFor("staging", (s) => void Object.assign(s.web!, { desiredCount: 3, autoscaling: { maxCount: 2 } })),
      `${K}.web.autoscaling.maxCount`,
    );
  });
  test("target percent out of range", () => {
    problemAt(
      problemsFor("staging", (s) => void (s.web!.autoscaling = { cpuTargetPercent: 99 })),
      `${K}.web.autoscaling.cpuTargetPercent`,
    );
  });
});

describe("container health check and stop timeout (ECS limits)", () => {
  const hc = (v: Record<string, number>) => (s: Record<string, Record<string, unknown>>) =>
    void (s.web!.healthCheck = v);
  test("interval 5-300", () => {
    problemAt(problemsFor("staging", hc({ intervalSeconds: 4 })), `${K}.web.healthCheck.intervalSeconds`);
    problemAt(problemsFor("staging", hc({ intervalSeconds: 301 })), `${K}.web.healthCheck.intervalSeconds`);
  });
  test("timeout 2-120", () => {
    problemAt(problemsFor("staging", hc({ timeoutSeconds: 1 })), `${K}.web.healthCheck.timeoutSeconds`);
    problemAt(
      problemsFor("staging", hc({ intervalSeconds: 300, timeoutSeconds: 121 })),
      `${K}.web.healthCheck.timeoutSeconds`,
    );
  });
  test("timeout must be less than interval", () => {
    const p = problemAt(
      problemsFor("staging", hc({ intervalSeconds: 10, timeoutSeconds: 10 })),
      `${K}.web.healthCheck.timeoutSeconds`,
    );
    assert.match(p.allowed, /less than intervalSeconds \(10\)/);
  });
  test("retries 1-10", () => {
    problemAt(problemsFor("staging", hc({ retries: 0 })), `${K}.web.healthCheck.retries`);
    problemAt(problemsFor("staging", hc({ retries: 11 })), `${K}.web.healthCheck.retries`);
  });
  test("startPeriod 0-300", () => {
    problemAt(problemsFor("staging", hc({ startPeriodSeconds: 301 })), `${K}.web.healthCheck.startPeriodSeconds`);
  });
  test("stopTimeout at most 120 (Fargate)", () => {
    const p = problemAt(
      problemsFor("staging", (s) => void (s.worker!.stopTimeoutSeconds = 121)),
      `${K}.worker.stopTimeoutSeconds`,
    );
    assert.match(p.allowed, /120/);
  });
  test("a grace period on a service with no route", () => {
    problemAt(
      problemsFor("staging", (s) => void (s.worker!.healthCheckGracePeriodSeconds = 30)),
      `${K}.worker.healthCheckGracePeriodSeconds`,
    );
  });
});

describe("routes across services", () => {
  test("two services claiming the default route", () => {
    const p = problemAt(
      problemsFor("staging", (s) => void (s.worker!.route = { default: true })),
      `${K}.worker.route.default`,
    );
    assert.match(p.allowed, /web already claims the default route/);
  });
  test("duplicate routes (same paths and hosts, in any order)", () => {
    const problems = problemsFor("staging", (s) => {
      s.api = { route: { pathPatterns: ["/api/*", "/v1/*"], priority: 10 } };
      s.admin = { route: { pathPatterns: ["/v1/*", "/api/*"], priority: 20 } };
    });
    const p = problemAt(problems, `${K}.api.route`);
    assert.match(p.allowed, /different from admin's/);
  });
  test("priority clash", () => {
    const problems = problemsFor("staging", (s) => {
      s.api = { route: { pathPatterns: ["/api/*"], priority: 10 } };
      s.admin = { route: { pathPatterns: ["/admin/*"], priority: 10 } };
    });
    const p = problemAt(problems, `${K}.api.route.priority`);
    assert.match(p.allowed, /not used by admin/);
  });
  test("a non-default route with no condition", () => {
    problemAt(
      problemsFor("staging", (s) => void (s.worker!.route = {})),
      `${K}.worker.route`,
    );
  });
  test("a path pattern not starting with /", () => {
    problemAt(
      problemsFor("staging", (s) => void (s.worker!.route = { pathPatterns: ["api/*"], priority: 5 })),
      `${K}.worker.route.pathPatterns`,
    );
  });
  test("distinct routes and priorities are accepted", () => {
    const s = settingsFor("staging", (x) => {
      x.api = { route: { pathPatterns: ["/api/*"], priority: 10 } };
      x.admin = { route: { hostHeaders: ["Admin.example.com"], priority: 20 } };
    });
    assert.deepEqual(service(s, "admin").route, {
      isDefault: false,
      pathPatterns: [],
      hostHeaders: ["admin.example.com"],
      priority: 20,
    });
  });
});

describe("names, environment and secrets", () => {
  test("a service name that is not DNS-safe", () => {
    const p = problemAt(
      problemsFor("staging", (s) => void (s.Web_1 = {})),
      `${K}.Web_1`,
    );
    assert.match(p.allowed, /DNS-safe/);
  });
  test("an invalid environment variable name", () => {
    problemAt(
      problemsFor("staging", (s) => void (s.web!.environment = { "1BAD-NAME": "x" })),
      `${K}.web.environment.1BAD-NAME`,
    );
  });
  for (const name of ["DB_PASSWORD", "API_TOKEN", "CLIENT_SECRET", "STRIPE_KEY", "Token", "AWS_SECRET_ACCESS_KEY"]) {
    test(`a secret-looking name in plain environment: ${name}`, () => {
      const p = problemAt(
        problemsFor("staging", (s) => void (s.web!.environment = { [name]: "hunter2" })),
        `${K}.web.environment.${name}`,
      );
      assert.match(p.allowed, /secrets/);
      assert.ok(!JSON.stringify(p).includes("hunter2"), "the value is not echoed");
    });
  }
  test("non-secret names pass (LOG_LEVEL, KEYCLOAK_URL, MONKEY_COUNT)", () => {
    const s = settingsFor(
      "staging",
      (x) => void (x.web!.environment = { LOG_LEVEL: "Information", KEYCLOAK_URL: "https://id", MONKEY_COUNT: "3" }),
    );
    assert.deepEqual(service(s, "web").environment, {
      LOG_LEVEL: "Information",
      KEYCLOAK_URL: "https://id",
      MONKEY_COUNT: "3",
    });
  });
  test("a program-set variable overridden in environment", () => {
    problemAt(
      problemsFor("staging", (s) => void (s.web!.environment = { Berth__Environment: "prod" })),
      `${K}.web.environment.Berth__Environment`,
    );
  });
  test("a secret given as a plain value instead of an ARN", () => {
    const p = problemAt(
      problemsFor("staging", (s) => void (s.web!.secrets = { DB_PASSWORD: "hunter2" })),
      `${K}.web.secrets.DB_PASSWORD`,
    );
    assert.match(p.allowed, /SSM parameter ARN .* Secrets Manager ARN/);
  });
  test("SSM and Secrets Manager ARNs are accepted", () => {
    const secrets = {
      DB_PASSWORD: "arn:aws:ssm:eu-west-1:111111111111:parameter/berth/db",
      API_TOKEN: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:berth/api-AbCdEf",
    };
    assert.deepEqual(
      service(
        settingsFor("staging", (s) => void (s.web!.secrets = secrets)),
        "web",
      ).secrets,
      secrets,
    );
  });
  test("a root user without the explicit opt-out", () => {
    problemAt(
      problemsFor("staging", (s) => void (s.web!.user = "0:0")),
      `${K}.web.user`,
    );
  });
  test("a root user with hardening.nonRootUser: false is the user's explicit choice", () => {
    const s = service(
      settingsFor("staging", (x) => void Object.assign(x.web!, { user: "0:0", hardening: { nonRootUser: false } })),
      "web",
    );
    assert.equal(s.hardening.nonRootUser, false);
  });
  test("a privileged port", () => {
    problemAt(
      problemsFor("staging", (s) => void (s.web!.port = 80)),
      `${K}.web.port`,
    );
  });
});

describe("unknown keys and an empty map", () => {
  test("a misspelt setting at each level", () => {
    const problems = problemsFor("staging", (s) => {
      s.web!.cpus = 256;
      s.web!.hardening = { readOnlyRootFilesystem: false };
      s.web!.healthCheck = { interval: 10 };
      s.web!.route = { default: true, path: "/" };
    });
    for (const key of [
      "web.cpus",
      "web.hardening.readOnlyRootFilesystem",
      "web.healthCheck.interval",
      "web.route.path",
    ]) {
      assert.match(problemAt(problems, `${K}.${key}`).allowed, /a known setting of/);
    }
  });
  test("no service at all", () => {
    problemAt(
      problemsFor("staging", () => ({})),
      K,
    );
  });
  test("every problem is reported at once, nothing registered", () => {
    const problems = problemsFor("staging", (s) => {
      s.web!.cpu = 300;
      s.worker!.stopTimeoutSeconds = 500;
      s.worker!.route = { default: true };
    });
    assert.deepEqual(problems.map((p) => p.key).sort(), [
      `${K}.web.cpu`,
      `${K}.worker.route.default`,
      `${K}.worker.stopTimeoutSeconds`,
    ]);
  });
});
