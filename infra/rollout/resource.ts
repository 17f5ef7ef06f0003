/**
 * `RolloutVerification`: a Pulumi dynamic resource, one per ECS service, registered after the service. Its
 * `create`/`update` poll `DescribeServices` (infra/rollout/poll.ts) until the service's PRIMARY deployment has
 * COMPLETED with the task definition the program registered; anything else (rolled back, FAILED, superseded, still in
 * progress at the timeout) throws, so `pulumi up` fails. The stack's promotable outputs derive from its `digest`
 * output (infra/rollout/verifiedRelease.ts): a failed verification never resolves them, and the engine keeps the
 * stack's previous outputs on a failed update (pulumi/pulumi#15754).
 *
 * The provider is serialized into the resource's `__provider` input (`@pulumi/pulumi` dynamic/index.js,
 * `serializeFunction`) and run by the `pulumi-dynamic-provider` process: its functions capture only plain functions
 * and the `@aws-sdk/client-ecs` module (re-required by name there), never a client instance or other live state.
 * The client is made per call from the region input, with the SDK's default credentials chain (the same credentials
 * the stack's AWS provider uses).
 */
import * as pulumi from "@pulumi/pulumi";
import { ECSClient } from "@aws-sdk/client-ecs";
import { awaitVerifiedRollout, type DescribeServicesClient, type RolloutClock } from "./poll";

/** What one verification watches. The inputs of the resource (all plain strings/numbers once resolved). */
export interface RolloutVerificationInputs {
  region: string;
  /** Cluster ARN (carries the account: a wrong account's credentials get `MISSING`, never a false success). */
  cluster: string;
  serviceName: string;
  taskDefinitionArn: string;
  /** The image digest the task definition runs: the output the stack may promote once verified. */
  digest: string;
  timeoutSeconds: number;
  pollSeconds: number;
}

interface RolloutVerificationOutputs extends RolloutVerificationInputs {
  /** The ECS deployment that completed with `taskDefinitionArn`. */
  deploymentId: string;
}

interface RolloutVerificationDeps {
  client(region: string): DescribeServicesClient;
  clock: RolloutClock;
}

/** The inputs whose change means "a new rollout to verify". */
const WATCHED: (keyof RolloutVerificationInputs)[] = [
  "region",
  "cluster",
  "serviceName",
  "taskDefinitionArn",
  "digest",
];

export function rolloutVerificationProvider(deps: RolloutVerificationDeps): pulumi.dynamic.ResourceProvider {
  const verify = async (inputs: RolloutVerificationInputs): Promise<RolloutVerificationOutputs> => {
    const rollout = await awaitVerifiedRollout(
      deps.client(inputs.region),
      {
        cluster: inputs.cluster,
        serviceName: inputs.serviceName,
        taskDefinitionArn: inputs.taskDefinitionArn,
        timeoutMs: inputs.timeoutSeconds * 1000,
        intervalMs: inputs.pollSeconds * 1000,
      },
      deps.clock,
    );
    return {
      region: inputs.region,
      cluster: inputs.cluster,
      serviceName: inputs.serviceName,
      taskDefinitionArn: inputs.taskDefinitionArn,
      digest: inputs.digest,
      timeoutSeconds: inputs.timeoutSeconds,
      pollSeconds: inputs.pollSeconds,
      deploymentId: rollout.deploymentId,
    };
  };
  return {
    async create(inputs: RolloutVerificationInputs) {
      const outs = await verify(inputs);
      return { id: `${inputs.cluster}/${inputs.serviceName}`, outs };
    },
    async diff(_id: string, olds: RolloutVerificationOutputs, news: RolloutVerificationInputs) {
      return { changes: WATCHED.some((k) => olds[k] !== news[k]) };
    },
    async update(_id: string, _olds: RolloutVerificationOutputs, news: RolloutVerificationInputs) {
      return { outs: await verify(news) };
    },
    // Nothing to delete: the verification only reads.
    async delete() {},
  };
}

/** The provider the program registers: the real ECS client and the wall clock. */
export const ecsRolloutVerificationProvider = rolloutVerificationProvider({
  client: (region) => new ECSClient({ region }),
  clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
});

type RolloutVerificationArgs = {
  [K in keyof RolloutVerificationInputs]: pulumi.Input<RolloutVerificationInputs[K]>;
};

export class RolloutVerification extends pulumi.dynamic.Resource {
  /** Set only once the rollout of `taskDefinitionArn` completed: what the stack may promote. */
  declare readonly digest: pulumi.Output<string>;
  declare readonly taskDefinitionArn: pulumi.Output<string>;
  declare readonly deploymentId: pulumi.Output<string>;
  declare readonly serviceName: pulumi.Output<string>;

  constructor(name: string, args: RolloutVerificationArgs, opts?: pulumi.CustomResourceOptions) {
    // Type `pulumi-nodejs:dynamic/berth:RolloutVerification` (module and type name: dynamic/index.js).
    super(
      ecsRolloutVerificationProvider,
      name,
      { ...args, deploymentId: undefined },
      opts,
      "berth",
      "RolloutVerification",
    );
  }
}

/** `15m`, `900s`, `1h` (the `steadyStateTimeout` setting's format) in seconds (declared with the setting). */
export { durationSeconds } from "../config/duration";
