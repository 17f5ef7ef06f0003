// The local hardened run (podman/docker flags, compose.yaml) equals the ECS container definition of the same spec:
// parity per field, for every service of the staging stack; and the committed compose.yaml equals its rendering.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { parse } from "yaml";
import { containerSpecFor, type ContainerSpec } from "../../infra/container/containerSpec";
import { renderContainerDefinition } from "../../infra/container/containerDefinition";
import { COMPOSE_IMAGE, cpusOf, renderCompose, renderRunArgs } from "../../infra/local/localRun";
import { COMPOSE_FILE, renderStackCompose } from "../../offline/compose";
import { IMAGE_REF, settingsFor } from "../support";
import { FIXTURE_STACK_DIR } from "../support/fixtures";

const settings = settingsFor("staging");
const specs = settings.services.map((s) => containerSpecFor(settings, s, IMAGE_REF()));
const spec = (name: string) => specs.find((s) => s.name === name)!;

/** Values of a repeated flag (`--env A --env B`). */
function flagValues(args: string[], flag: string): string[] {
  const out: string[] = [];
  args.forEach((a, i) => {
    if (a === flag) out.push(args[i + 1]!);
  });
  return out;
}
const flag = (args: string[], name: string) => {
  const values = flagValues(args, name);
  assert.equal(values.length, 1, `${name} given once in ${args.join(" ")}`);
  return values[0];
};

describe("run flags (podman, the container tests' flavour) equal the ECS definition", () => {
  for (const s of specs) {
    const def = renderContainerDefinition(s, "/ecs/x", "eu-west-1");
    const args = renderRunArgs(s, { flavour: "podman", hostPort: 18080 });
    test(`${s.name}: read-only root, only /tmp writable (tmpfs)`, () => {
      assert.equal(def.readonlyRootFilesystem, true);
      assert.ok(args.includes("--read-only"));
      assert.ok(args.includes("--read-only-tmpfs=false"), "podman adds no writable /run, /var/tmp");
      assert.deepEqual(
        flagValues(args, "--tmpfs"),
        def.mountPoints!.map((m) => `${m.containerPath}:rw,nosuid,nodev,size=64m,mode=1777`),
      );
    });
    test(`${s.name}: user, capabilities, no-new-privileges, init`, () => {
      assert.equal(flag(args, "--user"), def.user);
      assert.deepEqual(flagValues(args, "--cap-drop"), def.linuxParameters!.capabilities!.drop);
      assert.equal(flag(args, "--security-opt"), "no-new-privileges");
      assert.equal(args.includes("--init"), def.linuxParameters!.initProcessEnabled);
    });
    test(`${s.name}: memory, swap, reservation, cpus, pids`, () => {
      assert.equal(flag(args, "--memory"), `${def.memory}m`);
      assert.equal(flag(args, "--memory-swap"), `${def.memory}m`, "no swap beyond the limit");
      assert.equal(flag(args, "--memory-reservation"), `${def.memoryReservation}m`);
      assert.equal(flag(args, "--cpus"), String(Number(def.cpu) / 1024));
      assert.equal(flag(args, "--pids-limit"), "200");
    });
    test(`${s.name}: health check command and timings, stop timeout`, () => {
      const hc = def.healthCheck!;
      assert.deepEqual(["CMD", ...JSON.parse(flag(args, "--health-cmd")!)], hc.command);
      assert.equal(flag(args, "--health-interval"), `${hc.interval}s`);
      assert.equal(flag(args, "--health-timeout"), `${hc.timeout}s`);
      assert.equal(flag(args, "--health-retries"), String(hc.retries));
      assert.equal(flag(args, "--health-start-period"), `${hc.startPeriod}s`);
      assert.equal(flag(args, "--stop-timeout"), String(def.stopTimeout));
    });
    test(`${s.name}: environment equals the definition's; logs bounded`, () => {
      assert.deepEqual(
        flagValues(args, "--env"),
        def.environment!.map((e) => `${e.name}=${e.value}`),
      );
      assert.equal(flag(args, "--log-driver"), "k8s-file");
      assert.deepEqual(flagValues(args, "--log-opt"), ["max-size=10m"]);
    });
    test(`${s.name}: ports only for the routed service, on 127.0.0.1`, () => {
      const published = flagValues(args, "-p");
      if (def.portMappings!.length > 0)
        assert.deepEqual(published, [`127.0.0.1:18080:${def.portMappings![0]!.containerPort}`]);
      else assert.deepEqual(published, []);
    });
  }

  test("docker flavour: json-file with max-file and non-blocking mode; the image's own exec-form health check", () => {
    const args = renderRunArgs(spec("web"), { flavour: "docker" });
    assert.equal(flag(args, "--log-driver"), "json-file");
    assert.deepEqual(flagValues(args, "--log-opt"), [
      "max-size=10m",
      "max-file=3",
      "mode=non-blocking",
      "max-buffer-size=25m",
    ]);
    assert.ok(!args.includes("--health-cmd"), "docker's --health-cmd is shell form; the chiseled image has no shell");
    assert.ok(!args.includes("--read-only-tmpfs=false"), "a podman-only flag");
    assert.ok(args.includes("--read-only"));
  });

  test("secrets pass through by name, their values never rendered", () => {
    const ssm = "arn:aws:ssm:eu-west-1:111111111111:parameter/berth/db";
    const s = settingsFor("staging", (x) => void (x.web!.secrets = { DB_PASSWORD: ssm }));
    const web = containerSpecFor(
      s,
      s.services.find((x) => x.name === "web")!,
      IMAGE_REF(),
    );
    const args = renderRunArgs(web, { flavour: "docker" });
    assert.ok(flagValues(args, "--env").includes("DB_PASSWORD"));
    assert.ok(!args.join(" ").includes(ssm));
  });

  test("each opt-out removes its flag", () => {
    const optOut = (key: string) => {
      const s = settingsFor("staging", (x) => void (x.web!.hardening = { [key]: false }));
      return renderRunArgs(
        containerSpecFor(
          s,
          s.services.find((x) => x.name === "web")!,
          IMAGE_REF(),
        ),
        { flavour: "podman" },
      );
    };
    assert.ok(!optOut("readonlyRootFilesystem").includes("--read-only"));
    assert.ok(!optOut("nonRootUser").includes("--user"));
    assert.ok(!optOut("dropAllCapabilities").includes("--cap-drop"));
    assert.ok(!optOut("noNewPrivileges").includes("--security-opt"));
    assert.ok(!optOut("initProcess").includes("--init"));
  });
});

describe("compose.yaml", () => {
  test("the committed file equals its rendering from Pulumi.staging.yaml", () => {
    const committed = fs.readFileSync(COMPOSE_FILE, "utf8");
    assert.equal(committed, renderStackCompose(), "regenerate: node --import tsx offline/compose.ts");
  });

  // The committed compose.yaml renders the user's staging services (checked above, for any values); what a rendering
  // holds is checked on the sample's fixture stack, which the specs below come from too.
  const doc = parse(renderStackCompose("staging", FIXTURE_STACK_DIR)) as { services: Record<string, any> };
  const stagingSpecs = settings.services.map((s) => containerSpecFor(settings, s, COMPOSE_IMAGE));

  test("covers every declared service of the staging stack", () => {
    assert.deepEqual(Object.keys(doc.services).sort(), settings.services.map((s) => s.name).sort());
  });

  for (const s of stagingSpecs) {
    const def = renderContainerDefinition({ ...s, image: IMAGE_REF() } as ContainerSpec, "/ecs/x", "eu-west-1");
    test(`${s.name}: compose equals the ECS definition`, () => {
      const c = doc.services[s.name];
      assert.equal(c.image, COMPOSE_IMAGE);
      assert.deepEqual(c.command, def.command);
      assert.equal(c.user, def.user);
      assert.equal(c.read_only, def.readonlyRootFilesystem);
      assert.deepEqual(c.tmpfs, ["/tmp:rw,nosuid,nodev,size=64m,mode=1777"]);
      assert.deepEqual(c.cap_drop, def.linuxParameters!.capabilities!.drop);
      assert.deepEqual(c.security_opt, ["no-new-privileges:true"]);
      assert.equal(c.init, def.linuxParameters!.initProcessEnabled);
      assert.deepEqual(c.deploy.resources.limits, {
        cpus: cpusOf(Number(def.cpu)),
        memory: `${def.memory}M`,
        pids: 200,
      });
      assert.deepEqual(c.deploy.resources.reservations, { memory: `${def.memoryReservation}M` });
      assert.equal(c.memswap_limit, `${def.memory}M`);
      assert.deepEqual(c.healthcheck, {
        test: def.healthCheck!.command,
        interval: `${def.healthCheck!.interval}s`,
        timeout: `${def.healthCheck!.timeout}s`,
        retries: def.healthCheck!.retries,
        start_period: `${def.healthCheck!.startPeriod}s`,
      });
      assert.equal(c.stop_grace_period, `${def.stopTimeout}s`);
      assert.deepEqual(c.logging, {
        driver: "json-file",
        options: { "max-size": "10m", "max-file": "3", mode: "non-blocking", "max-buffer-size": "25m" },
      });
      assert.equal(c.restart, "unless-stopped");
      assert.deepEqual(c.environment, Object.fromEntries(def.environment!.map((e) => [e.name, e.value])));
      const expectedPorts = def.portMappings!.map((p) => `127.0.0.1:8080:${p.containerPort}`);
      assert.deepEqual(c.ports, expectedPorts);
      for (const p of c.ports as string[]) assert.match(p, /^127\.0\.0\.1:/, "bound to loopback only");
    });
  }

  test("two routed services get distinct loopback host ports", () => {
    const s = settingsFor("staging", (x) => void (x.api = { route: { pathPatterns: ["/api/*"], priority: 10 } }));
    const text = renderCompose(s.services.map((x) => containerSpecFor(s, x, COMPOSE_IMAGE)));
    const services = (parse(text) as { services: Record<string, { ports: string[] }> }).services;
    assert.deepEqual(services.api!.ports, ["127.0.0.1:8080:8080"]);
    assert.deepEqual(services.web!.ports, ["127.0.0.1:8081:8080"]);
    assert.deepEqual(services.worker!.ports, []);
  });
});
