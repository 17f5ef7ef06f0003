/**
 * `RegistryTag`: a Pulumi dynamic resource that gives an image already in a registry one more tag, with the SAME
 * digest: it reads the manifest by digest and puts those exact bytes under the tag (OCI distribution spec, "Pushing
 * manifests": https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-manifests; what
 * `crane tag` does). Used for the release tag `vX.Y.Z-<sha>` of an image whose `<sha>` tag is already pushed: a
 * rebuild cannot add it (ECR refuses any push of an existing tag), and docker-build's `Index`
 * (`buildx imagetools create`) is no substitute: with one source that is not an index it writes a NEW manifest list,
 * another digest (docs.docker.com/reference/cli/docker/buildx/imagetools/create: "If one source is specified and
 * that source is not a list or index, the output will be a manifest list"), and docker-build's Image pushes a plain
 * manifest (provenance off, pulumi-docker-build provider/internal/client.go). Its Delete also deletes the manifest
 * by digest (provider/internal/index.go), that is, the whole image.
 *
 * Idempotent: a tag that already names the digest is left alone (ECR's IMMUTABLE tags refuse even an identical
 * re-put, ImageTagAlreadyExistsException); a tag that names another digest fails. Delete removes nothing: the release
 * tag outlives the resource (the registries' lifecycle rules keep `v*`).
 *
 * Auth: the registry's challenge (Docker registry token auth, https://distribution.github.io/distribution/spec/auth/token/):
 * `Basic` (ECR) takes the credentials directly; `Bearer` (GHCR, Artifact Registry) exchanges them at the realm for a
 * token scoped `repository:<name>:pull,push`.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

export interface RegistryTagInputs {
  /** Registry host: `<account>.dkr.ecr.<region>.amazonaws.com`, `ghcr.io`, `<region>-docker.pkg.dev`. */
  registry: string;
  /** Repository in the registry: `berth`, `<owner>/berth`, `<project>/<repo>/berth`. */
  repository: string;
  /** `sha256:<64 hex>`: the image to tag. */
  digest: string;
  tag: string;
  username: string;
  password: string;
}

interface RegistryTagOutputs extends RegistryTagInputs {
  /** `<registry>/<repository>:<tag>@<digest>` */
  ref: string;
}

interface RegistryTagDeps {
  fetch: typeof fetch;
  /** `https://<registry>`; tests give a local server. */
  baseUrl(registry: string): string;
}

/** Media types a tagged image can have (OCI image spec, Docker distribution manifest v2). */
const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
];

/** The inputs whose change means another tag. Credentials rotate (ECR tokens last 12 h): never a change. */
const IDENTITY: (keyof RegistryTagInputs)[] = ["registry", "repository", "digest", "tag"];

export function registryTagProvider(deps: RegistryTagDeps): pulumi.dynamic.ResourceProvider {
  const tagImage = async (inputs: RegistryTagInputs): Promise<RegistryTagOutputs> => {
    const base = `${deps.baseUrl(inputs.registry)}/v2/${inputs.repository}`;
    const scope = `repository:${inputs.repository}:pull,push`;
    const basic = `Basic ${Buffer.from(`${inputs.username}:${inputs.password}`).toString("base64")}`;
    let authorization: string | undefined;
    const request = async (
      method: string,
      url: string,
      headers: Record<string, string>,
      body?: Uint8Array,
    ): Promise<Response> => {
      const send = () =>
        deps.fetch(url, {
          method,
          headers: { ...headers, ...(authorization ? { Authorization: authorization } : {}) },
          body,
        });
      let res = await send();
      if (res.status !== 401 || authorization) return res;
      const challenge = res.headers.get("www-authenticate") ?? "";
      if (/^basic/i.test(challenge)) {
        authorization = basic;
      } else if (/^bearer/i.test(challenge)) {
        const params = Object.fromEntries(
          [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1].toLowerCase(), m[2]]),
        );
        if (!params.realm) throw new Error(`${inputs.registry}: Bearer challenge without realm: ${challenge}`);
        const tokenUrl = new URL(params.realm);
        if (params.service) tokenUrl.searchParams.set("service", params.service);
        tokenUrl.searchParams.set("scope", scope);
        const t = await deps.fetch(tokenUrl.toString(), { headers: { Authorization: basic } });
        if (!t.ok)
          throw new Error(
            `${inputs.registry}: token exchange at ${tokenUrl.origin}${tokenUrl.pathname} failed: HTTP ${t.status}`,
          );
        const json = (await t.json()) as { token?: string; access_token?: string };
        const token = json.token ?? json.access_token;
        if (!token) throw new Error(`${inputs.registry}: token exchange gave no token`);
        authorization = `Bearer ${token}`;
      } else {
        throw new Error(`${inputs.registry}: HTTP 401 without a usable challenge (${challenge || "none"})`);
      }
      res = await send();
      return res;
    };
    const name = `${inputs.registry}/${inputs.repository}`;
    const got = await request("GET", `${base}/manifests/${inputs.digest}`, { Accept: MANIFEST_TYPES.join(", ") });
    if (!got.ok) throw new Error(`${name}@${inputs.digest}: cannot read the manifest to tag (HTTP ${got.status})`);
    const bytes = new Uint8Array(await got.arrayBuffer());
    const actual = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    if (actual !== inputs.digest)
      throw new Error(`${name}@${inputs.digest}: the registry answered a manifest of digest ${actual}`);
    const mediaType =
      (got.headers.get("content-type") ?? "").split(";")[0].trim() ||
      (JSON.parse(Buffer.from(bytes).toString("utf8")).mediaType as string);
    const ref = `${name}:${inputs.tag}@${inputs.digest}`;
    const head = await request("HEAD", `${base}/manifests/${inputs.tag}`, { Accept: MANIFEST_TYPES.join(", ") });
    if (head.ok) {
      const existing = head.headers.get("docker-content-digest");
      if (existing === inputs.digest) return { ...inputs, ref };
      throw new Error(
        `${name}:${inputs.tag} already names ${existing ?? "another image"}, not ${inputs.digest}: tags are immutable, a release tag is never moved`,
      );
    }
    if (head.status !== 404) throw new Error(`${name}:${inputs.tag}: cannot check the tag (HTTP ${head.status})`);
    const put = await request("PUT", `${base}/manifests/${inputs.tag}`, { "Content-Type": mediaType }, bytes);
    if (put.status !== 201 && put.status !== 200)
      throw new Error(
        `${name}:${inputs.tag}: the registry refused the tag (HTTP ${put.status}: ${(await put.text()).slice(0, 300)})`,
      );
    const stored = put.headers.get("docker-content-digest");
    if (stored && stored !== inputs.digest)
      throw new Error(`${name}:${inputs.tag}: the registry stored digest ${stored}, not ${inputs.digest}`);
    return { ...inputs, ref };
  };
  return {
    async create(inputs: RegistryTagInputs) {
      const outs = await tagImage(inputs);
      return { id: `${inputs.registry}/${inputs.repository}:${inputs.tag}`, outs };
    },
    async diff(_id: string, olds: RegistryTagOutputs, news: RegistryTagInputs) {
      const replaces = IDENTITY.filter((k) => olds[k] !== news[k]);
      return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
    },
    // Nothing to delete: the release tag stays (deleting a manifest deletes it by digest, the whole image).
    async delete() {},
  };
}

const httpsRegistryTagProvider = registryTagProvider({
  fetch: (...args) => fetch(...args),
  baseUrl: (registry) => `https://${registry}`,
});

type RegistryTagArgs = { [K in keyof RegistryTagInputs]: pulumi.Input<RegistryTagInputs[K]> };

export class RegistryTag extends pulumi.dynamic.Resource {
  declare readonly ref: pulumi.Output<string>;
  declare readonly digest: pulumi.Output<string>;

  constructor(name: string, args: RegistryTagArgs, opts?: pulumi.CustomResourceOptions) {
    // Type `pulumi-nodejs:dynamic/berth:RegistryTag`. The password is a secret in the state.
    super(
      httpsRegistryTagProvider,
      name,
      { ...args, password: pulumi.secret(args.password), ref: undefined },
      { ...opts, additionalSecretOutputs: ["password"] },
      "berth",
      "RegistryTag",
    );
  }
}
