/**
 * Issue 12, item 5 (program side): `pulumi up` of staging with berth:releaseTag gives the deployed digest the tag
 * vX.Y.Z-<sha> in every registry, also when ECR already has <sha> (a commit built on main before it was tagged:
 * nothing is pushed, infra/registries/image.ts), and the registries' lifecycle rules keep it.
 *
 * The RegistryTag provider runs here against a local registry speaking the OCI distribution API
 * (https://github.com/opencontainers/distribution-spec/blob/main/spec.md: GET/HEAD/PUT /v2/<name>/manifests/<ref>,
 * Docker-Content-Digest) with Docker token auth (https://distribution.github.io/distribution/spec/auth/token/: a
 * 401 with `WWW-Authenticate: Bearer realm=...,service=...` as GHCR and Artifact Registry answer, or `Basic` as ECR
 * answers) and IMMUTABLE tags (ECR refuses any put of an existing tag, even with the same digest:
 * ImageTagAlreadyExistsException).
 */
import { before, after, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { captureStack, type CapturedStack } from "../../offline/mockRuntime";
import { registryTagProvider, type RegistryTagInputs } from "../../infra/registries/registryTag";
import { appLifecyclePolicy } from "../../infra/registries/ecr";
import { cleanupPolicies } from "../../infra/registries/artifactRegistry";
import { imageTagsFor } from "../../infra/config/source";
import { SHA } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

// --- a registry ------------------------------------------------------------------------------------------------
const MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { digest: "sha256:" + "1".repeat(64) },
    layers: [],
  }),
);
const DIGEST = `sha256:${createHash("sha256").update(MANIFEST).digest("hex")}`;
const OTHER = Buffer.from(
  JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", layers: ["other"] }),
);

interface Registry {
  auth: "basic" | "bearer";
  /** name -> tag or digest -> manifest bytes */
  manifests: Map<string, Map<string, Buffer>>;
  puts: string[];
  tokenRequests: string[];
}

let server: http.Server;
let base = "";
const registries: Record<string, Registry> = {};

function registryFor(host: string): Registry {
  return (registries[host] ??= {
    auth: host.startsWith("ecr") ? "basic" : "bearer",
    manifests: new Map(),
    puts: [],
    tokenRequests: [],
  });
}

const CREDS = "Basic " + Buffer.from("user:pass").toString("base64");

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, "http://x");
    const [, host, ...rest] = url.pathname.split("/"); // /<registry host>/v2/<name>/manifests/<ref> or /<host>/token
    const reg = registryFor(host);
    if (rest[0] === "token") {
      reg.tokenRequests.push(`${url.searchParams.get("service")} ${url.searchParams.get("scope")}`);
      if (req.headers.authorization !== CREDS) return void res.writeHead(401).end();
      return void res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ token: "t0k" }));
    }
    const ok = reg.auth === "basic" ? req.headers.authorization === CREDS : req.headers.authorization === "Bearer t0k";
    if (!ok) {
      const challenge =
        reg.auth === "basic"
          ? `Basic realm="https://${host}/",service="ecr.amazonaws.com"`
          : `Bearer realm="${base}/${host}/token",service="${host}",scope="repository:x:pull"`;
      return void res.writeHead(401, { "WWW-Authenticate": challenge }).end();
    }
    const m = /^v2\/(.+)\/manifests\/([^/]+)$/.exec(rest.join("/"));
    if (!m) return void res.writeHead(404).end();
    const [, name, ref] = m;
    const repo = reg.manifests.get(name) ?? new Map<string, Buffer>();
    reg.manifests.set(name, repo);
    if (req.method === "PUT") {
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        if (repo.has(ref)) return void res.writeHead(400).end("ImageTagAlreadyExistsException: tag is immutable");
        if (req.headers["content-type"] !== "application/vnd.oci.image.manifest.v1+json")
          return void res.writeHead(400).end("MANIFEST_INVALID");
        reg.puts.push(`${name}:${ref}`);
        repo.set(ref, body);
        res
          .writeHead(201, { "Docker-Content-Digest": `sha256:${createHash("sha256").update(body).digest("hex")}` })
          .end();
      });
      return;
    }
    const body = repo.get(ref);
    if (!body) return void res.writeHead(404).end();
    const digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
    res.writeHead(200, {
      "Content-Type": "application/vnd.oci.image.manifest.v1+json",
      "Docker-Content-Digest": digest,
    });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => server.close());

const provider = () => registryTagProvider({ fetch, baseUrl: (registry) => `${base}/${registry}` });

function pushed(host: string, name: string) {
  const reg = registryFor(host);
  reg.manifests.set(
    name,
    new Map([
      [SHA, MANIFEST],
      [DIGEST, MANIFEST],
    ]),
  );
  return reg;
}

function inputs(host: string, name: string, extra: Partial<RegistryTagInputs> = {}): RegistryTagInputs {
  return {
    registry: host,
    repository: name,
    digest: DIGEST,
    tag: `v1.4.2-${SHA}`,
    username: "user",
    password: "pass",
    ...extra,
  };
}

test("RegistryTag: an image already pushed by <sha> gets vX.Y.Z-<sha> with the same manifest bytes, so the same digest (ECR: Basic; GHCR/Artifact Registry: Bearer token)", async () => {
  for (const host of ["ecr.example", "ghcr.example"]) {
    const reg = pushed(host, "org/berth");
    const created = await provider().create(inputs(host, "org/berth"));
    assert.equal(created.outs.ref, `${host}/org/berth:v1.4.2-${SHA}@${DIGEST}`);
    assert.deepEqual(reg.puts, [`org/berth:v1.4.2-${SHA}`]);
    assert.ok(reg.manifests.get("org/berth")!.get(`v1.4.2-${SHA}`)!.equals(MANIFEST), "byte for byte");
    if (reg.auth === "bearer") assert.deepEqual(reg.tokenRequests, [`${host} repository:org/berth:pull,push`]);
  }
});

test("RegistryTag: a re-run finds the tag already naming the digest and puts nothing (an immutable registry would refuse the put)", async () => {
  const reg = pushed("ecr.rerun", "berth");
  await provider().create(inputs("ecr.rerun", "berth"));
  await provider().create(inputs("ecr.rerun", "berth"));
  assert.deepEqual(reg.puts, [`berth:v1.4.2-${SHA}`]);
});

test("RegistryTag: a release tag that names another image is never moved; a digest the registry lacks fails; bad credentials fail", async () => {
  const reg = pushed("ghcr.taken", "o/berth");
  reg.manifests.get("o/berth")!.set(`v1.4.2-${SHA}`, OTHER);
  await assert.rejects(
    provider().create(inputs("ghcr.taken", "o/berth")),
    /already names sha256:[0-9a-f]{64}, not sha256:.*never moved/,
  );
  pushed("ecr.missing", "berth");
  await assert.rejects(
    provider().create(inputs("ecr.missing", "berth", { digest: `sha256:${"9".repeat(64)}` })),
    /cannot read the manifest to tag \(HTTP 404\)/,
  );
  pushed("ghcr.denied", "o/berth");
  await assert.rejects(
    provider().create(inputs("ghcr.denied", "o/berth", { password: "wrong" })),
    /token exchange .* failed: HTTP 401/,
  );
});

test("RegistryTag: rotated credentials are no change; another tag or digest replaces; delete leaves the tag", async () => {
  const p = provider();
  const olds = { ...inputs("ecr.example", "berth"), ref: "r" };
  assert.equal(
    (await p.diff!("id", olds, { ...inputs("ecr.example", "berth"), password: "rotated", username: "AWS" })).changes,
    false,
  );
  assert.deepEqual((await p.diff!("id", olds, inputs("ecr.example", "berth", { tag: `v1.4.3-${SHA}` }))).replaces, [
    "tag",
  ]);
  const reg = pushed("ecr.kept", "berth");
  await p.create(inputs("ecr.kept", "berth"));
  await p.delete!("id", { ...inputs("ecr.kept", "berth"), ref: "r" });
  assert.ok(reg.manifests.get("berth")!.has(`v1.4.2-${SHA}`));
});

test("the lifecycle rules keep vX.Y.Z-<sha>: ECR's first rule (tagPrefixList, prefix match) and Artifact Registry's KEEP policy (tagPrefixes)", () => {
  const [, release] = imageTagsFor({ sha: SHA, tag: SHA, releaseTag: "v1.4.2", dirty: false, origin: "config" });
  const ecrRules = appLifecyclePolicy({ untaggedExpiryDays: 7, keepShaImages: 30 }).rules as any[];
  const first = [...ecrRules]
    .sort((a, b) => a.rulePriority - b.rulePriority)
    .find((r) => r.selection.tagStatus === "tagged");
  assert.ok(
    first.selection.tagPrefixList.some((p: string) => release.startsWith(p)),
    "the release tag is selected by the keep rule",
  );
  assert.ok(!first.selection.tagPrefixList.some((p: string) => SHA.startsWith(p)), "a hex SHA tag is not");
  const keep = cleanupPolicies({ untaggedExpiryDays: 7, keepRecentVersions: 30 }).find(
    (p: any) => p.id === "keep-release-tags",
  ) as any;
  assert.equal(keep.action, "KEEP");
  assert.ok(keep.condition.tagPrefixes.some((p: string) => release.startsWith(p)));
});

// --- the program -----------------------------------------------------------------------------------------------
const REGISTRY_TAG = "pulumi-nodejs:dynamic/berth:RegistryTag";
const PUSHED = `sha256:${"ab".repeat(32)}`;
let stack: CapturedStack;

before(async () => {
  stack = await captureStack({
    stack: "staging",
    config: {
      ...fixtureStackConfig("staging"),
      "berth:imageSha": SHA,
      "berth:releaseTag": "v1.4.2",
      "berth:ghcrToken": "ghp_offline",
    },
    secretKeys: ["berth:ghcrToken"],
    invokes: {
      // main already built this commit: ECR has <sha> (and only it).
      "aws:ecr/getImage:getImage": (i) => {
        if (i.imageTag !== SHA)
          throw new Error(`ImageNotFoundException: The image with imageId {imageTag:'${i.imageTag}'} does not exist`);
        return {
          id: PUSHED,
          imageDigest: PUSHED,
          imageTag: SHA,
          imageTags: [SHA],
          repositoryName: i.repositoryName,
          registryId: i.registryId,
        };
      },
    },
  });
  assert.equal(stack.error, undefined, String((stack.error as Error)?.stack ?? stack.error));
});

test("staging with berth:releaseTag, commit already pushed: nothing is built or pushed, and the pushed digest gets vX.Y.Z-<sha> in ECR, GHCR and Artifact Registry", () => {
  const image = stack.resources.find((r) => r.type === "docker-build:index:Image")!;
  assert.equal(image.inputs.push, false);
  assert.deepEqual(image.inputs.tags, []);
  const tags = stack.resources.filter((r) => r.type === REGISTRY_TAG);
  const byName = Object.fromEntries(tags.map((t) => [t.name, t.inputs]));
  assert.deepEqual(Object.keys(byName).sort(), [
    "image-artifactRegistry-release-tag",
    "image-ecr-release-tag",
    "image-ghcr-release-tag",
  ]);
  for (const t of Object.values<any>(byName)) {
    assert.equal(t.tag, `v1.4.2-${SHA}`);
    assert.equal(t.digest, PUSHED, "the digest ECS runs, not a rebuild");
  }
  assert.match(byName["image-ecr-release-tag"].registry, /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$/);
  assert.equal(byName["image-ecr-release-tag"].repository, "berth");
  assert.equal(byName["image-ghcr-release-tag"].registry, "ghcr.io");
  assert.match(byName["image-ghcr-release-tag"].repository, /^[a-z0-9-]+\/berth$/);
  assert.match(byName["image-artifactRegistry-release-tag"].registry, /-docker\.pkg\.dev$/);
  assert.match(byName["image-artifactRegistry-release-tag"].repository, /\/berth\/berth$|\/[a-z0-9-]+\/berth$/);
  // Secrets arrive in the mocks in wire form (signature 1b47061264138c4ac30d75fd1eb44270, @pulumi/pulumi runtime/rpc.js).
  for (const t of Object.values<any>(byName))
    assert.equal(
      t.password?.["4dabf18193072939515e22adb298388d"],
      "1b47061264138c4ac30d75fd1eb44270",
      "the password is a secret",
    );
  assert.ok(
    stack.warnings.every((w) => !/NOT added/.test(w)),
    "no 'add it by hand' warning any more",
  );
});
