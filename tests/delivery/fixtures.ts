/** Shared helpers of the delivery tests (not a test file). */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { REPO_ROOT, readStackConfig, type CapturedResource, type CapturedStack } from "../../offline/mockRuntime";

export const WORKFLOWS_DIR = path.join(REPO_ROOT, ".github", "workflows");
export const STAGING_STACK = "your-pulumi-org/berth/staging";
export const SHA = "0123456789abcdef0123456789abcdef01234567";
export const STAGING_SHA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
export const STAGING_DIGEST = `sha256:${"b".repeat(64)}`;
export const OLDER_DIGEST = `sha256:${"d".repeat(64)}`;
export const UNRUN_DIGEST = `sha256:${"c".repeat(64)}`;

export function readWorkflow(file: string): { text: string; doc: any } {
  const text = fs.readFileSync(path.join(WORKFLOWS_DIR, file), "utf8");
  return { text, doc: parseYaml(text) };
}

/** The prod stack as its stack file declares it, with the pinned commit (no git read). */
export function prodConfig(extra: Record<string, unknown> = {}): Record<string, string> {
  const config: Record<string, string> = { ...readStackConfig("prod"), "berth:imageSha": SHA };
  for (const [k, v] of Object.entries(extra)) config[k] = typeof v === "string" ? v : JSON.stringify(v);
  return config;
}

export function stagingOutputs(ranDigests: string[] = [STAGING_DIGEST]) {
  return { [STAGING_STACK]: { sourceSha: STAGING_SHA, imageDigest: STAGING_DIGEST, ranDigests } };
}

/** `aws.ecr.getImage` in prod's repository: the replicated image for a tag or a digest. */
export function ecrGetImage(images: { sha: string; digest: string }[]) {
  return {
    "aws:ecr/getImage:getImage": (i: Record<string, any>) => {
      const image = images.find((m) => m.sha === i.imageTag || m.digest === i.imageDigest);
      if (!image) throw new Error(`offline: no image ${i.imageTag ?? i.imageDigest} in ${i.repositoryName}`);
      return {
        id: image.digest,
        imageDigest: image.digest,
        imageTags: [image.sha],
        imageTag: i.imageTag,
        repositoryName: i.repositoryName,
        registryId: "222222222222",
        imagePushedAt: 0,
        imageSizeInBytes: 1,
        imageUri: `x@${image.digest}`,
        region: "eu-west-1",
      };
    },
  };
}

export function ofType(c: CapturedStack, type: string): CapturedResource[] {
  return c.resources.filter((r) => r.type === type);
}

export function one(c: CapturedStack, type: string, name: string): CapturedResource {
  const found = c.resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1)
    throw new Error(
      `expected one ${type} named ${name}, found ${found.length}: ${c.resources
        .filter((r) => r.type === type)
        .map((r) => r.name)
        .join(", ")}`,
    );
  return found[0];
}

export function json(value: unknown): any {
  return typeof value === "string" ? JSON.parse(value) : value;
}
