/** Every provider fact Berth keeps (offline/providerSource/facts.ts says what and why). */
import type { ProviderResourceFacts } from "./facts";
import { FACTS as appautoscaling } from "./aws/appautoscaling";
import { FACTS as cloudwatch } from "./aws/cloudwatch";
import { FACTS as ec2 } from "./aws/ec2";
import { FACTS as ecr } from "./aws/ecr";
import { FACTS as ecs } from "./aws/ecs";
import { FACTS as iam } from "./aws/iam";
import { FACTS as kms } from "./aws/kms";
import { FACTS as lb } from "./aws/lb";
import { FACTS as s3 } from "./aws/s3";
import { FACTS as sns } from "./aws/sns";
import { FACTS as docker } from "./docker";
import { FACTS as gcp } from "./gcp";
import { FACTS as github } from "./github";

export * from "./facts";
export { SOURCES } from "./sources";

export const PROVIDER_FACTS: readonly ProviderResourceFacts[] = [
  ...appautoscaling,
  ...cloudwatch,
  ...ec2,
  ...ecr,
  ...ecs,
  ...iam,
  ...kms,
  ...lb,
  ...s3,
  ...sns,
  ...docker,
  ...gcp,
  ...github,
];

/** The facts of one type token, if derived. */
export function factsOf(type: string): ProviderResourceFacts | undefined {
  return PROVIDER_FACTS.find((f) => f.type === type);
}
