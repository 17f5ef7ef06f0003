// The rendered ECS container definition, field by field, from the staging stack's real settings. Direct calls, no
// Pulumi. Every hardening field is asserted, so removing it from the renderer (or its default from the settings
// reader) fails here; each opt-out is shown to change exactly its own field.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { containerSpecFor, ECS_EXEC_AGENT_PATHS } from "../../infra/container/containerSpec";
import { renderContainerDefinition, renderTaskVolumes } from "../../infra/container/containerDefinition";
import { IMAGE_REF, service, settingsFor } from "../support";

const LOG_GROUP = "/ecs/berth-staging/web";
const settings = settingsFor("staging");

function webDefinition(edit?: Parameters<typeof settingsFor>[1]) {
  const s = edit ? settingsFor("staging", edit) : settings;
  return renderContainerDefinition(containerSpecFor(s, service(s, "web"), IMAGE_REF()), LOG_GROUP, "eu-west-1");
}

describe("web container definition (staging)", () => {
  const def = webDefinition();

  test("identity, image by digest, essential, command", () => {
    assert.equal(def.name, "web");
    assert.equal(def.image, IMAGE_REF());
    assert.match(String(def.image), /@sha256:[0-9a-f]{64}$/);
    assert.equal(def.essential, true);
    assert.deepEqual(def.command, []);
  });

  test("cpu, memory (hard = task memory) and memoryReservation", () => {
    assert.equal(def.cpu, 256);
    assert.equal(def.memory, 512);
    assert.equal(def.memoryReservation, 256);
  });

  test("port mapping with explicit hostPort and protocol (no perpetual diff)", () => {
    assert.deepEqual(def.portMappings, [{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }]);
  });

  test("read-only root filesystem, /tmp writable through a task volume", () => {
    assert.equal(def.readonlyRootFilesystem, true);
    assert.deepEqual(def.mountPoints, [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }]);
    assert.deepEqual(
      renderTaskVolumes(containerSpecFor(settings, service(settings, "web"), IMAGE_REF()).writablePaths),
      [{ name: "tmp" }],
    );
  });

  test("non-root user, never privileged", () => {
    assert.equal(def.user, "10001:10001");
    assert.equal(def.privileged, false);
  });

  test("all capabilities dropped, init process on", () => {
    assert.deepEqual(def.linuxParameters, { capabilities: { drop: ["ALL"] }, initProcessEnabled: true });
  });

  test("health check: exec form of the binary, limits from settings", () => {
    assert.deepEqual(def.healthCheck, {
      command: ["CMD", "/app/berth", "--healthcheck"],
      interval: 10,
      timeout: 3,
      retries: 3,
      startPeriod: 5,
    });
  });

  test("stopTimeout from settings", () => {
    assert.equal(def.stopTimeout, 30);
  });

  test("awslogs: group, region, stream prefix, non-blocking with a 25m buffer", () => {
    assert.deepEqual(def.logConfiguration, {
      logDriver: "awslogs",
      options: {
        "awslogs-group": LOG_GROUP,
        "awslogs-region": "eu-west-1",
        "awslogs-stream-prefix": "web",
        mode: "non-blocking",
        "max-buffer-size": "25m",
      },
      secretOptions: [],
    });
  });

  test("fields the API defaults are explicit: volumesFrom, systemControls, secrets", () => {
    assert.deepEqual(def.volumesFrom, []);
    assert.deepEqual(def.systemControls, []);
    assert.deepEqual(def.secrets, []);
  });

  test("environment: the program's variables and the stack file's, sorted by name", () => {
    assert.deepEqual(def.environment, [
      { name: "ASPNETCORE_HTTP_PORTS", value: "8080" },
      { name: "Berth__Environment", value: "staging" },
      { name: "Berth__ServiceName", value: "web" },
      { name: "Logging__LogLevel__Default", value: "Information" },
    ]);
  });

  test("no field outside the reviewed set (a new field must be reviewed and asserted)", () => {
    assert.deepEqual(Object.keys(def).sort(), [
      "command",
      "cpu",
      "environment",
      "essential",
      "healthCheck",
      "image",
      "linuxParameters",
      "logConfiguration",
      "memory",
      "memoryReservation",
      "mountPoints",
      "name",
      "portMappings",
      "privileged",
      "readonlyRootFilesystem",
      "secrets",
      "stopTimeout",
      "systemControls",
      "user",
      "volumesFrom",
    ]);
  });
});

describe("worker container definition (staging)", () => {
  const def = renderContainerDefinition(
    containerSpecFor(settings, service(settings, "worker"), IMAGE_REF()),
    "/ecs/berth-staging/worker",
    "eu-west-1",
  );
  test("same image, worker command, no port mapping, same hardening", () => {
    assert.equal(def.image, IMAGE_REF());
    assert.deepEqual(def.command, ["worker"]);
    assert.deepEqual(def.portMappings, []);
    assert.equal(def.readonlyRootFilesystem, true);
    assert.equal(def.user, "10001:10001");
    assert.equal(def.privileged, false);
    assert.deepEqual(def.linuxParameters, { capabilities: { drop: ["ALL"] }, initProcessEnabled: true });
    assert.equal(def.logConfiguration?.options?.["awslogs-stream-prefix"], "worker");
    assert.deepEqual(
      def.environment?.find((e) => e.name === "Berth__ServiceName"),
      { name: "Berth__ServiceName", value: "worker" },
    );
  });
});

describe("secrets: only through `secrets` (valueFrom), sorted, never in environment", () => {
  const ssm = "arn:aws:ssm:eu-west-1:111111111111:parameter/berth/staging/db-password";
  const sm = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:berth/api-AbCdEf:token::";
  const def = webDefinition((services) => {
    services.web!.secrets = { DB_PASSWORD: ssm, API_TOKEN: sm };
  });
  test("secrets rendered as name/valueFrom", () => {
    assert.deepEqual(def.secrets, [
      { name: "API_TOKEN", valueFrom: sm },
      { name: "DB_PASSWORD", valueFrom: ssm },
    ]);
    const envNames = def.environment!.map((e) => e.name);
    assert.ok(!envNames.includes("DB_PASSWORD") && !envNames.includes("API_TOKEN"));
    assert.ok(!JSON.stringify(def.environment).includes("arn:aws:"), "no secret reference in environment");
  });
});

describe("each hardening opt-out changes its own field only", () => {
  const base = webDefinition();
  const optOut = (key: string) =>
    webDefinition((services) => {
      services.web!.hardening = { [key]: false };
    });
  const diff = (a: object, b: object) =>
    Object.keys({ ...a, ...b })
      .filter((k) => JSON.stringify((a as any)[k]) !== JSON.stringify((b as any)[k]))
      .sort();

  test("readonlyRootFilesystem", () => {
    const d = optOut("readonlyRootFilesystem");
    assert.equal(d.readonlyRootFilesystem, false);
    assert.deepEqual(diff(base, d), ["readonlyRootFilesystem"]);
  });
  test("nonRootUser: the image's USER applies", () => {
    const d = optOut("nonRootUser");
    assert.equal(d.user, undefined);
    assert.deepEqual(diff(base, d), ["user"]);
  });
  test("dropAllCapabilities", () => {
    const d = optOut("dropAllCapabilities");
    assert.deepEqual(d.linuxParameters?.capabilities?.drop, []);
    assert.deepEqual(diff(base, d), ["linuxParameters"]);
  });
  test("initProcess", () => {
    const d = optOut("initProcess");
    assert.equal(d.linuxParameters?.initProcessEnabled, false);
    assert.deepEqual(diff(base, d), ["linuxParameters"]);
  });
  test("nonBlockingLogs", () => {
    const d = optOut("nonBlockingLogs");
    assert.equal(d.logConfiguration?.options?.mode, "blocking");
    assert.equal(d.logConfiguration?.options?.["max-buffer-size"], undefined);
    assert.deepEqual(diff(base, d), ["logConfiguration"]);
  });
});

describe("refusals and ECS Exec", () => {
  test("an image not pinned by digest is refused", () => {
    const spec = containerSpecFor(
      settings,
      service(settings, "web"),
      "111111111111.dkr.ecr.eu-west-1.amazonaws.com/berth:latest",
    );
    assert.throws(() => renderContainerDefinition(spec, LOG_GROUP, "eu-west-1"), /not pinned by digest/);
  });

  test("ECS Exec on: the agent's paths become writable volumes, the root stays read-only", () => {
    const d = webDefinition((services) => {
      services.web!.enableExecuteCommand = true;
    });
    assert.equal(d.readonlyRootFilesystem, true);
    assert.deepEqual(
      d.mountPoints,
      [{ path: "/tmp", volume: "tmp" }, ...ECS_EXEC_AGENT_PATHS].map((p) => ({
        sourceVolume: p.volume,
        containerPath: p.path,
        readOnly: false,
      })),
    );
  });
});
