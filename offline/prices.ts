/**
 * The price table of the offline cost estimate (offline/cost.ts): list prices in USD, on-demand, without tax, free
 * tier or discounts (Savings Plans, credits), for the regions Berth's stacks use.
 *
 * Every price names where it was read: the public pricing page, and for AWS the Price List API offer file
 * (`https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offer>/current/<region>/index.json`) and the usage type
 * that bills it, and the date it was read (`read`). Prices change: to refresh one, open its offer file, find the
 * usage type, and update `usd` and `read` together. tests/plan/cost.test.ts fails on an entry without a source URL
 * or a date.
 *
 * How the figures of `READ` were read: the tooling has no network, so they were transcribed from the pages named
 * (as public references quote them: the us-east-1 Fargate x86/ARM, ALB hour/LCU and NAT figures matched several
 * third-party transcriptions; the European NAT figures fall in the published $0.048-$0.052 range), not fetched from
 * the offer files. Check an entry against its offer file before relying on it for a decision, and record the date.
 *
 * Not in the table: anything billed by traffic, requests, data processed or storage (offline/cost.ts lists it as
 * usage-dependent and leaves it out of the total).
 */

export interface Price {
  /** US dollars per `unit`. */
  usd: number;
  /** What one `usd` buys: `vCPU-hour`, `hour`, `key-month`, ... */
  unit: string;
  /** The public pricing page (https://...). */
  source: string;
  /** For AWS: the Price List API offer code and usage type that bills it (`AmazonECS EU-Fargate-vCPU-Hours:perCPU`). */
  offer?: string;
  /** The date the figure was read (YYYY-MM-DD). */
  read: string;
}

/** What an AWS region's fixed (idle) costs are made of. */
export type AwsPriceKey =
  | "fargateVcpuHourX86"
  | "fargateGbHourX86"
  | "fargateVcpuHourArm"
  | "fargateGbHourArm"
  | "fargateEphemeralGbHour"
  | "albHour"
  | "albLcuHour"
  | "natGatewayHour"
  | "publicIpv4Hour"
  | "interfaceEndpointAzHour"
  | "kmsKeyMonth"
  | "alarmMetricMonth"
  | "highResolutionAlarmMetricMonth"
  | "dashboardMonth"
  | "inspectorEcrInitialScan"
  | "inspectorEcrRescan"
  | "logsIngestionGb"
  | "ecrStorageGbMonth"
  | "s3StandardGbMonth";

/** GCP prices Berth's stacks meet (Artifact Registry and its scanning are priced per location group, not per region). */
type GcpPriceKey = "artifactRegistryGbMonth" | "artifactAnalysisImage";

export interface PriceTable {
  currency: "USD";
  /** Hours in a billing month as AWS's own calculator counts them (8760 / 12). */
  hoursPerMonth: number;
  /** The free dashboards per account (CloudWatch pricing page: "3 dashboards for up to 50 metrics per month"). */
  freeDashboards: { count: number; source: string; read: string };
  /** Fargate Spot: AWS publishes "up to 70%" off the on-demand price; the real Spot price varies by hour. */
  fargateSpotMaxDiscount: { fraction: number; source: string; read: string };
  aws: Record<string, Record<AwsPriceKey, Price>>;
  gcp: Record<GcpPriceKey, Price>;
}

const READ = "2026-12-08";

const PAGE = {
  fargate: "https://aws.amazon.com/fargate/pricing/",
  elb: "https://aws.amazon.com/elasticloadbalancing/pricing/",
  vpc: "https://aws.amazon.com/vpc/pricing/",
  privatelink: "https://aws.amazon.com/privatelink/pricing/",
  kms: "https://aws.amazon.com/kms/pricing/",
  cloudwatch: "https://aws.amazon.com/cloudwatch/pricing/",
  inspector: "https://aws.amazon.com/inspector/pricing/",
  ecr: "https://aws.amazon.com/ecr/pricing/",
  s3: "https://aws.amazon.com/s3/pricing/",
  artifactRegistry: "https://cloud.google.com/artifact-registry/pricing",
  artifactAnalysis: "https://cloud.google.com/artifact-analysis/pricing",
} as const;

/** The usage-type prefix of a region in the Price List API (us-east-1 has none). */
const USAGE_PREFIX: Record<string, string> = {
  "us-east-1": "",
  "us-east-2": "USE2-",
  "us-west-2": "USW2-",
  "eu-west-1": "EU-",
  "eu-central-1": "EUC1-",
};

/** The figures that differ by region; the rest are the same in every region Berth prices. */
interface RegionalFigures {
  fargateVcpuHourX86: number;
  fargateGbHourX86: number;
  fargateVcpuHourArm: number;
  fargateGbHourArm: number;
  fargateEphemeralGbHour: number;
  albHour: number;
  albLcuHour: number;
  natGatewayHour: number;
  interfaceEndpointAzHour: number;
  logsIngestionGb: number;
  s3StandardGbMonth: number;
}

function awsRegion(region: string, f: RegionalFigures): Record<AwsPriceKey, Price> {
  const p = USAGE_PREFIX[region];
  const price = (usd: number, unit: string, source: string, offer: string): Price => ({
    usd,
    unit,
    source,
    offer,
    read: READ,
  });
  return {
    fargateVcpuHourX86: price(
      f.fargateVcpuHourX86,
      "vCPU-hour",
      PAGE.fargate,
      `AmazonECS ${p}Fargate-vCPU-Hours:perCPU`,
    ),
    fargateGbHourX86: price(f.fargateGbHourX86, "GB-hour", PAGE.fargate, `AmazonECS ${p}Fargate-GB-Hours`),
    fargateVcpuHourArm: price(
      f.fargateVcpuHourArm,
      "vCPU-hour",
      PAGE.fargate,
      `AmazonECS ${p}Fargate-ARM-vCPU-Hours:perCPU`,
    ),
    fargateGbHourArm: price(f.fargateGbHourArm, "GB-hour", PAGE.fargate, `AmazonECS ${p}Fargate-ARM-GB-Hours`),
    fargateEphemeralGbHour: price(
      f.fargateEphemeralGbHour,
      "GB-hour beyond 20 GB",
      PAGE.fargate,
      `AmazonECS ${p}Fargate-EphemeralStorage-GB-Hours`,
    ),
    albHour: price(f.albHour, "hour", PAGE.elb, `AWSELB ${p}LoadBalancerUsage (application)`),
    albLcuHour: price(f.albLcuHour, "LCU-hour", PAGE.elb, `AWSELB ${p}LCUUsage (application)`),
    natGatewayHour: price(f.natGatewayHour, "hour", PAGE.vpc, `AmazonEC2 ${p}NatGateway-Hours`),
    publicIpv4Hour: price(0.005, "address-hour", PAGE.vpc, `AmazonVPC ${p}PublicIPv4:InUseAddress`),
    interfaceEndpointAzHour: price(
      f.interfaceEndpointAzHour,
      "endpoint-AZ-hour",
      PAGE.privatelink,
      `AmazonVPC ${p}VpcEndpoint-Hours`,
    ),
    kmsKeyMonth: price(1, "key-month", PAGE.kms, `awskms ${p}KMS-Keys`),
    alarmMetricMonth: price(0.1, "alarm metric-month", PAGE.cloudwatch, `AmazonCloudWatch ${p}CW:AlarmMonitorUsage`),
    highResolutionAlarmMetricMonth: price(
      0.3,
      "alarm metric-month",
      PAGE.cloudwatch,
      `AmazonCloudWatch ${p}CW:HighResAlarmMonitorUsage`,
    ),
    dashboardMonth: price(3, "dashboard-month", PAGE.cloudwatch, `AmazonCloudWatch ${p}DashboardsUsageHour`),
    inspectorEcrInitialScan: price(
      0.09,
      "image scanned on push",
      PAGE.inspector,
      `AmazonInspectorV2 ${p}ECRInitialScan`,
    ),
    inspectorEcrRescan: price(0.01, "image rescanned", PAGE.inspector, `AmazonInspectorV2 ${p}ECRRescan`),
    logsIngestionGb: price(
      f.logsIngestionGb,
      "GB ingested",
      PAGE.cloudwatch,
      `AmazonCloudWatch ${p}DataProcessing-Bytes`,
    ),
    ecrStorageGbMonth: price(0.1, "GB-month", PAGE.ecr, `AmazonECR ${p}TimedStorage-ByteHrs`),
    s3StandardGbMonth: price(f.s3StandardGbMonth, "GB-month", PAGE.s3, `AmazonS3 ${p}TimedStorage-ByteHrs`),
  };
}

/** us-east-1, us-east-2 and us-west-2 share their list prices for everything Berth prices. */
const US_FIGURES: RegionalFigures = {
  fargateVcpuHourX86: 0.04048,
  fargateGbHourX86: 0.004445,
  fargateVcpuHourArm: 0.03238,
  fargateGbHourArm: 0.00356,
  fargateEphemeralGbHour: 0.000111,
  albHour: 0.0225,
  albLcuHour: 0.008,
  natGatewayHour: 0.045,
  interfaceEndpointAzHour: 0.01,
  logsIngestionGb: 0.5,
  s3StandardGbMonth: 0.023,
};

export const PRICES: PriceTable = {
  currency: "USD",
  hoursPerMonth: 730,
  freeDashboards: { count: 3, source: PAGE.cloudwatch, read: READ },
  fargateSpotMaxDiscount: { fraction: 0.7, source: PAGE.fargate, read: READ },
  aws: {
    "us-east-1": awsRegion("us-east-1", US_FIGURES),
    "us-east-2": awsRegion("us-east-2", US_FIGURES),
    "us-west-2": awsRegion("us-west-2", US_FIGURES),
    "eu-west-1": awsRegion("eu-west-1", {
      fargateVcpuHourX86: 0.04048,
      fargateGbHourX86: 0.004445,
      fargateVcpuHourArm: 0.03238,
      fargateGbHourArm: 0.00356,
      fargateEphemeralGbHour: 0.000111,
      albHour: 0.0252,
      albLcuHour: 0.008,
      natGatewayHour: 0.048,
      interfaceEndpointAzHour: 0.011,
      logsIngestionGb: 0.57,
      s3StandardGbMonth: 0.023,
    }),
    "eu-central-1": awsRegion("eu-central-1", {
      fargateVcpuHourX86: 0.04656,
      fargateGbHourX86: 0.00511,
      fargateVcpuHourArm: 0.03725,
      fargateGbHourArm: 0.00409,
      fargateEphemeralGbHour: 0.000122,
      albHour: 0.027,
      albLcuHour: 0.008,
      natGatewayHour: 0.052,
      interfaceEndpointAzHour: 0.012,
      logsIngestionGb: 0.63,
      s3StandardGbMonth: 0.0245,
    }),
  },
  gcp: {
    artifactRegistryGbMonth: {
      usd: 0.1,
      unit: "GB-month beyond the free 0.5 GB",
      source: PAGE.artifactRegistry,
      read: READ,
    },
    artifactAnalysisImage: {
      usd: 0.26,
      unit: "image digest scanned",
      source: PAGE.artifactAnalysis,
      read: READ,
    },
  },
};

/** The regions the table prices, sorted. */
export function pricedRegions(table: PriceTable = PRICES): string[] {
  return Object.keys(table.aws).sort();
}
