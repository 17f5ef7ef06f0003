/**
 * The `berth-production` CrossGuard policy pack: the ONLY place a PolicyPack is constructed (constructing one starts
 * the analyzer's gRPC server and prints its port, the handshake the Pulumi CLI waits for).
 *
 *   pulumi preview --stack staging --policy-pack policy --policy-pack-config policy/config/staging.json
 *
 * The offline plan and the tests start this very file the way the CLI does (offline/analyzerClient.ts) and talk to it
 * over the analyzer protocol. Every rule defaults to its own enforcement level (mandatory except where docs/policy.md
 * ("What the pack enforces") says advisory); a stack's pack config file changes levels and rule settings.
 * Dependencies come from the repository root's node_modules.
 */
import { PolicyPack } from "@pulumi/policy";
import { berthPackArgs, POLICY_PACK_NAME } from "./policies";

new PolicyPack(POLICY_PACK_NAME, berthPackArgs);
