/**
 * Recorded shapes of `DescribeServices` responses (tests/rollout/describeServices/*.json), in the API's JSON wire
 * form: field names and values as documented in
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html (response syntax),
 * API_Service.html, API_Deployment.html (`status` PRIMARY/ACTIVE/INACTIVE, `rolloutState`, `rolloutStateReason`,
 * `taskDefinition`, `runningCount`, `desiredCount`, `pendingCount`, `failedTasks`) and API_ServiceEvent.html
 * (`events`, newest first). Timestamps are epoch seconds on the wire; `load` turns them into `Date`s as the SDK's
 * deserializer does, so the result is the `DescribeServicesResponse` type of @aws-sdk/client-ecs. Account, ids and
 * ARNs are made up. Not a test file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { DescribeServicesResponse } from "@aws-sdk/client-ecs";

export type FixtureName =
  | "completed"
  | "rolledBack"
  | "rollingBack"
  | "inProgress"
  | "superseded"
  | "neverSteady"
  | "failedNoRollback"
  | "missing";

const DIR = path.join(__dirname, "describeServices");
const ACCOUNT = "111111111111";
export const CLUSTER_ARN = `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/berth-staging`;
/** The task definition the program registered in every fixture: revision 8 of the web service's family. */
export const REGISTERED = `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/berth-staging-web:8`;
export const PREVIOUS = `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/berth-staging-web:7`;
export const NEWER = `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/berth-staging-web:9`;
/** The deployment of `REGISTERED` in the fixtures. */
export const REGISTERED_DEPLOYMENT = "ecs-svc/5283947710346558111";

export function fixtureText(name: FixtureName): string {
  return fs.readFileSync(path.join(DIR, `${name}.json`), "utf8");
}

/** Parses a wire-form response (epoch-second timestamps become Dates, as the SDK deserializes them). */
export function parseResponse(text: string): DescribeServicesResponse {
  return JSON.parse(text, (key, value) =>
    (key === "createdAt" || key === "updatedAt") && typeof value === "number" ? new Date(value * 1000) : value,
  );
}

export function load(name: FixtureName): DescribeServicesResponse {
  return parseResponse(fixtureText(name));
}

/** The same recorded shape for another service of the stack (its name in names, ARNs and the task definition family). */
export function forService(
  name: FixtureName,
  serviceName: string,
  family = `berth-staging-${serviceName}`,
): DescribeServicesResponse {
  const text = fixtureText(name)
    .replaceAll('"serviceName": "web"', `"serviceName": "${serviceName}"`)
    .replaceAll("service/berth-staging/web", `service/berth-staging/${serviceName}`)
    .replaceAll("(service web)", `(service ${serviceName})`)
    .replaceAll("task-definition/berth-staging-web:", `task-definition/${family}:`);
  return parseResponse(text);
}
