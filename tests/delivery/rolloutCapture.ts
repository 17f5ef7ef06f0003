/**
 * Captures the staging stack with each `RolloutVerification` answered by the real provider code
 * (`rolloutVerificationProvider`) over a recorded DescribeServices shape per service, as the pulumi-dynamic-provider
 * process would run it against ECS: `create` resolves to the verified outputs or throws, and a throw fails the
 * resource's registration as a failed `create` fails the engine's step. Not a test file.
 */
import * as path from "node:path";
import type { DescribeServicesCommandOutput } from "@aws-sdk/client-ecs";
import { type CapturedStack } from "../../offline/mockRuntime";
import { rolloutVerificationProvider, type RolloutVerificationInputs } from "../../infra/rollout/resource";
import { forService, type FixtureName } from "../rollout/describeServicesFixtures";
import { captureProgram, SHA, STAGING_DIGEST, STAGING_SHA, STAGING_STACK } from "../support";
import { fixtureStackConfig } from "../support/fixtures";

export const ROLLOUT_TYPE = "pulumi-nodejs:dynamic/berth:RolloutVerification";
/** The revision the mock gives every task definition: the fixtures' "registered" revision (PREVIOUS is 7). */
const REVISION = 8;

export interface RolloutCapture {
  stack: CapturedStack;
  outcomes: Record<string, { value?: unknown; rejected?: string }>;
  rejections: string[];
  /** What each verification's `create` did: its outputs, or its error message. */
  verifications: Record<string, { outs?: Record<string, unknown>; error?: string }>;
}

export async function captureWithRollouts(answers: Record<string, FixtureName>): Promise<RolloutCapture> {
  const verifications: RolloutCapture["verifications"] = {};
  // captureProgram (offline/mockRuntime.ts captureStack) calls pulumi.runtime.setMocks(mocks, ...): wrap the mocks it passes (runtime/index.js exports
  // setMocks as a plain property). Task definitions get revision 8; verifications run the provider's `create`.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtime = require("@pulumi/pulumi/runtime") as { setMocks: (mocks: any, ...rest: unknown[]) => Promise<void> };
  const original = runtime.setMocks;
  runtime.setMocks = (mocks: any, ...rest: unknown[]) =>
    original(
      {
        call: (args: any) => mocks.call(args),
        async newResource(args: any) {
          if (args.type === "aws:ecs/taskDefinition:TaskDefinition") {
            const r = await mocks.newResource(args);
            return {
              ...r,
              state: { ...r.state, revision: REVISION, arn: String(r.state.arn).replace(/:\d+$/, `:${REVISION}`) },
            };
          }
          if (args.type !== ROLLOUT_TYPE) return mocks.newResource(args);
          await mocks.newResource(args); // recorded in the capture like any resource
          const inputs = args.inputs as RolloutVerificationInputs;
          const fixture = answers[inputs.serviceName];
          if (!fixture) throw new Error(`no DescribeServices answer for service ${inputs.serviceName}`);
          const family = inputs.taskDefinitionArn.split("task-definition/")[1].split(":")[0];
          const provider = rolloutVerificationProvider({
            client: () => ({
              send: async () =>
                ({
                  ...forService(fixture, inputs.serviceName, family),
                  $metadata: {},
                }) as DescribeServicesCommandOutput,
            }),
            clock: { now: () => 0, sleep: async () => {} },
          });
          try {
            const created = await provider.create(inputs);
            verifications[args.name] = { outs: created.outs };
            return { id: created.id, state: { ...created.outs, __provider: args.inputs.__provider } };
          } catch (e) {
            verifications[args.name] = { error: e instanceof Error ? e.message : String(e) };
            throw e;
          }
        },
      },
      ...rest,
    );
  const stack = await captureProgram({
    stack: "staging",
    organization: "your-pulumi-org",
    config: { ...fixtureStackConfig("staging"), "berth:imageSha": SHA },
    // Staging's previous outputs: what the last successful `up` verified.
    stackOutputs: {
      [STAGING_STACK]: { sourceSha: STAGING_SHA, imageDigest: STAGING_DIGEST, ranDigests: [STAGING_DIGEST] },
    },
    program: path.join(__dirname, "rolloutProgram.ts"),
  });
  runtime.setMocks = original;
  const program = stack.exports as { rejections: string[]; outcomes: Record<string, Promise<any>> };
  const outcomes = Object.fromEntries(
    await Promise.all(Object.entries(program.outcomes).map(async ([k, p]) => [k, await p] as const)),
  );
  return { stack, outcomes, rejections: program.rejections, verifications };
}
