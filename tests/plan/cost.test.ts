/**
 * The offline cost estimate (offline/cost.ts) over inline resources and a test price table: each resource kind is
 * priced from the table entry it names, usage-dependent costs stay out of the total, an unknown region is a clear
 * error. The table itself (offline/prices.ts): every entry names its public pricing page and the date it was read.
 * The plan (offline/plan.ts) carries the estimate in its JSON and prints a total equal to the sum of its lines.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import type { CapturedResource } from "../../offline/mockRuntime";
import { estimateCost, planCost, renderCost, UnknownRegionError, type CostEstimate } from "../../offline/cost";
import { PRICES, pricedRegions, type AwsPriceKey, type Price, type PriceTable } from "../../offline/prices";
import { renderPlan, type PlanResult } from "../../offline/plan";
import { IMAGE_SHA, runPlan, type PlanRun } from "./planRunner";

// A price table whose figures are distinct powers of two per kind, so a line shows which entry priced it.
const price = (usd: number): Price => ({ usd, unit: "u", source: "https://example.test/pricing", read: "2000-01-01" });
const TEST_AWS: Record<AwsPriceKey, Price> = {
  fargateVcpuHourX86: price(0.04),
  fargateGbHourX86: price(0.004),
  fargateVcpuHourArm: price(0.02),
  fargateGbHourArm: price(0.002),
  fargateEphemeralGbHour: price(0.0001),
  albHour: price(0.02),
  albLcuHour: price(0.008),
  natGatewayHour: price(0.05),
  publicIpv4Hour: price(0.005),
  interfaceEndpointAzHour: price(0.01),
  kmsKeyMonth: price(1),
  alarmMetricMonth: price(0.1),
  highResolutionAlarmMetricMonth: price(0.3),
  dashboardMonth: price(3),
  inspectorEcrInitialScan: price(0.09),
  inspectorEcrRescan: price(0.01),
  logsIngestionGb: price(0.5),
  ecrStorageGbMonth: price(0.1),
  s3StandardGbMonth: price(0.023),
};
const TABLE: PriceTable = {
  currency: "USD",
  hoursPerMonth: 1000,
  freeDashboards: { count: 3, source: "https://example.test/cw", read: "2000-01-01" },
  fargateSpotMaxDiscount: { fraction: 0.7, source: "https://example.test/fargate", read: "2000-01-01" },
  aws: { "test-1": TEST_AWS, "test-2": { ...TEST_AWS, natGatewayHour: price(0.1) } },
  gcp: { artifactRegistryGbMonth: price(0.1), artifactAnalysisImage: price(0.26) },
};

const res = (type: string, name: string, inputs: Record<string, any>): CapturedResource => ({
  type,
  name,
  inputs,
  state: inputs,
  custom: true,
});
const taskDef = (family: string, extra: Record<string, any> = {}) =>
  res("aws:ecs/taskDefinition:TaskDefinition", family, { family, cpu: "512", memory: "1024", ...extra });
const service = (name: string, family: string, extra: Record<string, any> = {}) =>
  res("aws:ecs/service:Service", name, {
    name,
    taskDefinition: `arn:aws:ecs:test-1:111111111111:task-definition/${family}:3`,
    desiredCount: 1,
    launchType: "FARGATE",
    ...extra,
  });
const nat = (name: string) => res("aws:ec2/natGateway:NatGateway", name, { connectivityType: "public" });
const eip = (name: string) => res("aws:ec2/eip:Eip", name, { domain: "vpc" });
const alb = (extra: Record<string, any> = {}) =>
  res("aws:lb/loadBalancer:LoadBalancer", "alb", {
    loadBalancerType: "application",
    internal: false,
    subnets: ["subnet-a", "subnet-b"],
    ...extra,
  });

const estimate = (resources: CapturedResource[], region = "test-1") => estimateCost(resources, region, TABLE);
const linesOf = (e: CostEstimate, item: string) => e.lines.filter((l) => l.item === item);
const lineOf = (e: CostEstimate, item: string, resource?: string) => {
  const found = linesOf(e, item).filter((l) => resource === undefined || l.resource === resource);
  assert.equal(found.length, 1, `one "${item}" line expected: ${JSON.stringify(e.lines)}`);
  return found[0];
};
const sum = (e: CostEstimate) => Math.round(e.lines.reduce((n, l) => n + l.monthly, 0) * 100) / 100;

test("Fargate: doubling desiredCount doubles the service's line; a higher autoscaling minimum wins over it", () => {
  const one = estimate([taskDef("f"), service("web", "f", { desiredCount: 1 })]);
  const two = estimate([taskDef("f"), service("web", "f", { desiredCount: 2 })]);
  assert.ok(lineOf(one, "Fargate tasks").monthly > 0);
  assert.equal(lineOf(two, "Fargate tasks").monthly, 2 * lineOf(one, "Fargate tasks").monthly);
  const scaled = estimate([
    taskDef("f"),
    service("web", "f", { desiredCount: 1 }),
    res("aws:appautoscaling/target:Target", "web-scaling", {
      minCapacity: 2,
      maxCapacity: 4,
      resourceId: "service/cluster/web",
      scalableDimension: "ecs:service:DesiredCount",
    }),
  ]);
  assert.equal(lineOf(scaled, "Fargate tasks").monthly, lineOf(two, "Fargate tasks").monthly);
  assert.match(lineOf(scaled, "Fargate tasks").detail, /autoscaling minimum/);
});

test("Fargate: task size and architecture pick their table entries (the test table's ARM prices are half)", () => {
  const x86 = lineOf(estimate([taskDef("f"), service("web", "f")]), "Fargate tasks").monthly;
  const bigger = lineOf(
    estimate([taskDef("f", { cpu: "1024", memory: "2048" }), service("web", "f")]),
    "Fargate tasks",
  ).monthly;
  assert.equal(bigger, 2 * x86, "twice the vCPU and memory");
  const arm = estimate([
    taskDef("f", { runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" } }),
    service("web", "f"),
  ]);
  assert.equal(lineOf(arm, "Fargate tasks").monthly, x86 / 2);
  assert.match(lineOf(arm, "Fargate tasks").detail, /ARM64/);
});

test("Fargate Spot: a service all on FARGATE_SPOT is priced at the table's maximum discount, and says Spot varies", () => {
  const onDemand = lineOf(estimate([taskDef("f"), service("web", "f")]), "Fargate tasks").monthly;
  const spot = lineOf(
    estimate([
      taskDef("f"),
      service("web", "f", {
        launchType: undefined,
        capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
      }),
    ]),
    "Fargate tasks",
  );
  assert.equal(spot.monthly, Math.round(onDemand * (1 - TABLE.fargateSpotMaxDiscount.fraction) * 100) / 100);
  assert.match(spot.detail, /FARGATE_SPOT.*Spot prices vary/);
  // Without a strategy of its own, the service follows the cluster's default strategy (half on Spot here).
  const half = lineOf(
    estimate([
      taskDef("f"),
      service("web", "f", { launchType: undefined }),
      res("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "cluster", {
        defaultCapacityProviderStrategies: [
          { capacityProvider: "FARGATE", weight: 1 },
          { capacityProvider: "FARGATE_SPOT", weight: 1 },
        ],
      }),
    ]),
    "Fargate tasks",
  );
  assert.ok(spot.monthly < half.monthly && half.monthly < onDemand, `${spot.monthly} < ${half.monthly} < ${onDemand}`);
});

test("NAT: a stack without a NAT gateway has no NAT line; each gateway and each Elastic IP is a line of its own", () => {
  const none = estimate([taskDef("f"), service("web", "f")]);
  assert.deepEqual(linesOf(none, "NAT gateway hours"), []);
  assert.deepEqual(linesOf(none, "public IPv4 (Elastic IP)"), []);
  const two = estimate([nat("nat-a"), nat("nat-b"), eip("eip-a"), eip("eip-b")]);
  assert.equal(linesOf(two, "NAT gateway hours").length, 2);
  assert.equal(linesOf(two, "public IPv4 (Elastic IP)").length, 2);
  const pricier = estimate([nat("nat-a")], "test-2");
  assert.equal(
    lineOf(pricier, "NAT gateway hours").monthly,
    2 * lineOf(estimate([nat("nat-a")]), "NAT gateway hours").monthly,
    "the region's own NAT price (twice test-1's in the test table)",
  );
  assert.ok(
    two.excluded.some((u) => u.item === "NAT data processed"),
    "data processed is usage, named",
  );
});

test("load balancer: hours always, one public IPv4 per node (subnet) when internet-facing, none when internal; LCUs are usage", () => {
  const publicTwo = estimate([alb()]);
  const publicThree = estimate([alb({ subnets: ["a", "b", "c"] })]);
  const internal = estimate([alb({ internal: true })]);
  const oneIp = lineOf(estimate([eip("e")]), "public IPv4 (Elastic IP)").monthly;
  assert.equal(lineOf(publicTwo, "public IPv4 (load balancer nodes)").monthly, 2 * oneIp);
  assert.equal(lineOf(publicThree, "public IPv4 (load balancer nodes)").monthly, 3 * oneIp);
  assert.deepEqual(linesOf(internal, "public IPv4 (load balancer nodes)"), []);
  assert.equal(lineOf(internal, "load balancer hours").monthly, lineOf(publicTwo, "load balancer hours").monthly);
  assert.ok(internal.excluded.some((u) => u.item === "load balancer LCUs"));
  assert.ok(!internal.lines.some((l) => /LCU/.test(l.item)), "LCUs never in the total");
});

test("a first preview (task definition ARN and subnets unknown): the service's family and the stack's AZs stand in", () => {
  const UNKNOWN = { __pulumiUnknown: true };
  const known = estimate([taskDef("berth-staging-web"), service("web", "berth-staging-web"), alb()]);
  const subnet = (az: string) => res("aws:ec2/subnet:Subnet", `public-${az}`, { availabilityZone: az });
  const preview = estimate([
    taskDef("berth-staging-web"),
    taskDef("berth-staging-worker", { cpu: "256", memory: "512" }),
    service("web", "berth-staging-web", { taskDefinition: UNKNOWN }),
    alb({ subnets: UNKNOWN }),
    subnet("test-1a"),
    subnet("test-1b"),
  ]);
  assert.equal(lineOf(preview, "Fargate tasks").monthly, lineOf(known, "Fargate tasks").monthly);
  assert.equal(
    lineOf(preview, "public IPv4 (load balancer nodes)").monthly,
    lineOf(known, "public IPv4 (load balancer nodes)").monthly,
  );
  const threeZones = estimate([alb({ subnets: UNKNOWN }), subnet("a"), subnet("b"), subnet("c")]);
  assert.equal(
    lineOf(threeZones, "public IPv4 (load balancer nodes)").monthly,
    (3 / 2) * lineOf(known, "public IPv4 (load balancer nodes)").monthly,
  );
});

test("interface endpoints are priced per AZ; gateway endpoints cost nothing", () => {
  const endpoint = (subnetIds: string[], type = "Interface") =>
    res("aws:ec2/vpcEndpoint:VpcEndpoint", `e${subnetIds.length}${type}`, { vpcEndpointType: type, subnetIds });
  const one = lineOf(estimate([endpoint(["a"])]), "interface endpoint").monthly;
  assert.equal(lineOf(estimate([endpoint(["a", "b", "c"])]), "interface endpoint").monthly, 3 * one);
  assert.deepEqual(estimate([endpoint([], "Gateway")]).lines, []);
});

test("KMS: one line per customer-managed key at the table's key-month price; aliases cost nothing", () => {
  const keys = estimate([
    res("aws:kms/key:Key", "k1", {}),
    res("aws:kms/key:Key", "k2", {}),
    res("aws:kms/alias:Alias", "a", {}),
  ]);
  assert.deepEqual(
    keys.lines.map((l) => [l.resource, l.monthly]),
    [
      ["k1", TEST_AWS.kmsKeyMonth.usd],
      ["k2", TEST_AWS.kmsKeyMonth.usd],
    ],
  );
  assert.deepEqual(keys.unpriced, []);
});

test("alarms: billed per metric (a metric-math alarm over 4 metrics costs 4 single-metric ones); below 60 s is high resolution", () => {
  const single = lineOf(
    estimate([res("aws:cloudwatch/metricAlarm:MetricAlarm", "a", { metricName: "CPUUtilization", period: 60 })]),
    "alarm",
  ).monthly;
  const metric = (id: string) => ({ id, metric: { metricName: "RequestCount", period: 60, stat: "Sum" } });
  const math = lineOf(
    estimate([
      res("aws:cloudwatch/metricAlarm:MetricAlarm", "m", {
        metricQueries: [metric("a"), metric("b"), metric("c"), metric("d"), { id: "e", expression: "a+b+c+d" }],
      }),
    ]),
    "alarm",
  ).monthly;
  assert.equal(math, 4 * single);
  const high = lineOf(
    estimate([res("aws:cloudwatch/metricAlarm:MetricAlarm", "h", { metricName: "CPUUtilization", period: 10 })]),
    "alarm (high resolution)",
  ).monthly;
  assert.equal(high, TEST_AWS.highResolutionAlarmMetricMonth.usd);
  assert.notEqual(high, single);
});

test("dashboards: the first three are free, the fourth is priced", () => {
  const four = estimate(
    ["d1", "d2", "d3", "d4"].map((n) => res("aws:cloudwatch/dashboard:Dashboard", n, { dashboardName: n })),
  );
  assert.deepEqual(
    four.lines.map((l) => l.monthly),
    [0, 0, 0, TEST_AWS.dashboardMonth.usd],
  );
  assert.match(four.lines[0].detail, /free/);
});

test("usage-dependent costs are named with their unit price and never in the total: scans per image, storage, logs, SNS, Container Insights", () => {
  const e = estimate([
    res("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration", "scan", {
      scanType: "ENHANCED",
      rules: [{ scanFrequency: "CONTINUOUS_SCAN", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] }],
    }),
    res("aws:ecr/repository:Repository", "repo", {}),
    res("aws:s3/bucket:Bucket", "bucket", {}),
    res("aws:cloudwatch/logGroup:LogGroup", "logs", {}),
    res("aws:sns/topic:Topic", "topic", {}),
    res("aws:ecs/cluster:Cluster", "cluster", { settings: [{ name: "containerInsights", value: "enhanced" }] }),
    res("gcp:artifactregistry/repository:Repository", "ar", { vulnerabilityScanningConfig: {} }),
  ]);
  assert.deepEqual(e.lines, []);
  assert.equal(e.total, 0);
  const item = (name: string) => e.excluded.find((u) => u.item === name);
  assert.match(item("Inspector ECR scanning")!.drivenBy, /per image.*every repository in the account/);
  assert.match(item("Inspector ECR scanning")!.price, /\$0\.09 per u, \$0\.01 per u/);
  assert.match(item("Artifact Analysis scanning")!.price, /\$0\.26/);
  assert.match(item("Artifact Analysis scanning")!.drivenBy, /per digest/);
  assert.match(item("Container Insights (enhanced)")!.price, /per observation/);
  for (const name of ["ECR storage", "S3 storage", "log ingestion", "SNS", "Artifact Registry storage"])
    assert.ok(item(name), `${name} listed as usage`);
  const basic = estimate([
    res("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration", "scan", { scanType: "BASIC" }),
    res("gcp:artifactregistry/repository:Repository", "ar", {
      vulnerabilityScanningConfig: { enablementConfig: "DISABLED" },
    }),
  ]);
  assert.equal(
    basic.excluded.some((u) => /scanning/.test(u.item)),
    false,
    "no scanning when it is off",
  );
});

test("an unknown region is a clear error naming it and the regions the table knows; a stack without AWS resources needs none", () => {
  assert.throws(
    () => estimate([nat("n")], "xx-nowhere-9"),
    (e: unknown) =>
      e instanceof UnknownRegionError &&
      /"xx-nowhere-9"/.test(e.message) &&
      /test-1, test-2/.test(e.message) &&
      /offline\/prices\.ts/.test(e.message),
  );
  assert.throws(() => estimateCost([nat("n")], undefined, TABLE), /aws:region not set/);
  const local = estimateCost([res("docker:index/container:Container", "web", {})], undefined, TABLE);
  assert.equal(local.total, 0);
  assert.deepEqual(local.unpriced, []);
  assert.deepEqual(renderCost(local), [
    "Estimated monthly cost (estimate): $0.00: no billed cloud resource in this stack",
    "",
  ]);
  // The plan's own call never throws: the unknown region becomes the field's error, rendered as such.
  const cost = planCost([nat("n")], { "aws:region": "xx-nowhere-9" });
  assert.ok("error" in cost && /xx-nowhere-9/.test(cost.error));
  assert.match(
    renderCost(cost).join("\n"),
    /^Estimated monthly cost: not estimated \(no prices for region "xx-nowhere-9"/,
  );
});

test("a resource type with no pricing rule is listed as not priced, not silently free", () => {
  const e = estimate([res("aws:rds/instance:Instance", "db", {}), res("aws:iam/role:Role", "r", {})]);
  assert.deepEqual(e.unpriced, ["aws:rds/instance:Instance"]);
  assert.match(renderCost(e).join("\n"), /not priced \(no rule in offline\/cost\.ts\): aws:rds\/instance:Instance/);
});

test("the text: labelled an estimate with region and price date, one line per cost, fixed apart from usage, what is left out", () => {
  const e = estimate([
    taskDef("f"),
    service("web", "f"),
    nat("nat-a"),
    res("aws:cloudwatch/logGroup:LogGroup", "logs", {}),
  ]);
  const text = renderCost(e).join("\n");
  assert.match(
    text,
    new RegExp(`^Estimated monthly cost \\(estimate, test-1, prices of 2000-01-01\\): \\$${e.total.toFixed(2)}$`, "m"),
  );
  for (const l of e.lines) assert.ok(text.includes(`$${l.monthly.toFixed(2)}  ${l.resource} ${l.item}`), l.item);
  assert.match(text, /usage-dependent, NOT in the total \(2\):\n/);
  assert.match(text, /^ {4}logs log ingestion: \$0\.50 per u; /m);
  assert.match(text, /^ {4}nat-a NAT data processed: /m);
  assert.match(text, /leaves out: traffic.*requests.*storage growth/);
  assert.equal(e.total, sum(e));
});

test("the price table: every entry names an https pricing page and the date it was read; AWS entries name the offer and usage type", () => {
  for (const region of ["eu-west-1", "us-east-1", "us-east-2", "eu-central-1"])
    assert.ok(pricedRegions().includes(region), `${region} is priced`);
  const entries: [string, Price][] = [
    ...Object.entries(PRICES.aws).flatMap(([region, prices]) =>
      Object.entries(prices).map(([key, p]) => [`${region} ${key}`, p] as [string, Price]),
    ),
    ...Object.entries(PRICES.gcp).map(([key, p]) => [`gcp ${key}`, p] as [string, Price]),
  ];
  assert.ok(entries.length >= 5 * 19);
  for (const [what, p] of entries) {
    assert.match(p.source, /^https:\/\/(aws\.amazon\.com|cloud\.google\.com)\/[\w/.-]+$/, what);
    assert.match(p.read, /^\d{4}-\d{2}-\d{2}$/, what);
    assert.ok(p.usd > 0 && Number.isFinite(p.usd), what);
    if (what.startsWith("gcp")) continue;
    assert.match(
      p.offer!,
      /^(AmazonECS|AWSELB|AmazonEC2|AmazonVPC|awskms|AmazonCloudWatch|AmazonInspectorV2|AmazonECR|AmazonS3) \S+/,
      what,
    );
  }
  for (const extra of [PRICES.freeDashboards, PRICES.fargateSpotMaxDiscount]) {
    assert.match(extra.source, /^https:\/\/aws\.amazon\.com\//);
    assert.match(extra.read, /^\d{4}-\d{2}-\d{2}$/);
  }
});

let staging: PlanRun;
before(async () => {
  staging = await runPlan(["staging", "--image-sha", IMAGE_SHA, "--json"]);
  if (staging.json === undefined && staging.stdout.includes("\n{"))
    staging.json = JSON.parse(staging.stdout.slice(staging.stdout.indexOf("\n{")));
});

test("plan staging (fixture): the JSON carries the estimate, and the text prints a total equal to the sum of its lines", () => {
  const result = staging.json as PlanResult;
  assert.ok(result, staging.stderr.slice(0, 2000));
  const cost = result.cost as CostEstimate;
  assert.ok(cost && !("error" in cost), JSON.stringify(result.cost ?? result.error));
  assert.equal(cost.estimate, true);
  assert.equal(cost.region, "eu-west-1");
  assert.ok(
    cost.lines.some((l) => l.item === "Fargate tasks") && cost.lines.some((l) => l.item === "NAT gateway hours"),
  );
  const text = renderPlan(result);
  const total = /^Estimated monthly cost \(estimate, eu-west-1, prices of \d{4}-\d{2}-\d{2}\): \$([\d.]+)$/m.exec(text);
  assert.ok(total, text.slice(-4000));
  const section = text.slice(text.indexOf(total[0]), text.indexOf("  usage-dependent"));
  const printed = [...section.matchAll(/^ {4} *\$([\d.]+) {2}/gm)].map((m) => Number(m[1]));
  assert.equal(printed.length, cost.lines.length, "one printed line per cost line");
  assert.equal(Number(total[1]), Math.round(printed.reduce((n, x) => n + x, 0) * 100) / 100);
});
