/**
 * The cloud limit checks (offline/cloudLimits.ts) on hand-made resources: each limit refuses the first value
 * past it, with a message naming the resource and the limit, and accepts the value at it. Sources: each check's
 * `source` (the AWS, GCP, GitHub, OCI documentation or the provider source it cites), repeated in the test names.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { CapturedResource } from "../../offline/mockRuntime";
import { CLOUD_LIMIT_CHECKS, checkCloudLimits, type CloudLimitProblem } from "../../offline/cloudLimits";

const PROVIDER_URN = "urn:pulumi:s::berth::pulumi:providers:aws::berth-aws";
const awsProvider = (
  tags: Record<string, string> = { project: "berth" },
  region = "eu-west-1",
  account = "111111111111",
): CapturedResource => ({
  type: "pulumi:providers:aws",
  name: "berth-aws",
  urn: PROVIDER_URN,
  custom: true,
  state: {},
  inputs: { region, allowedAccountIds: JSON.stringify([account]), defaultTags: JSON.stringify({ tags }) },
});
const gcpProvider = (labels: Record<string, string>): CapturedResource => ({
  type: "pulumi:providers:gcp",
  name: "berth-gcp",
  urn: "urn:pulumi:s::berth::pulumi:providers:gcp::berth-gcp",
  custom: true,
  state: {},
  inputs: { defaultLabels: JSON.stringify(labels) },
});
let n = 0;
function res(
  type: string,
  name: string,
  inputs: Record<string, any>,
  state: Record<string, any> = {},
): CapturedResource {
  return {
    type,
    name,
    inputs,
    state,
    custom: true,
    urn: `urn:pulumi:s::berth::${type}::${name}`,
    physicalId: `${name}-id-${n++}`,
  };
}
const x = (count: number, ch = "a") => ch.repeat(count);

/** The problems of one check only (the table is run whole, as the plan runs it). */
function problems(limit: string, resources: CapturedResource[]): CloudLimitProblem[] {
  return checkCloudLimits([awsProvider(), ...resources]).problems.filter((p) => p.limit === limit);
}

function refuses(limit: string, resources: CapturedResource[], resource: string, message: RegExp) {
  const found = problems(limit, resources);
  assert.ok(found.length > 0, `${limit} accepted ${resource}`);
  assert.ok(
    found.some((p) => p.resource === resource && message.test(p.message)),
    JSON.stringify(found, null, 1),
  );
  for (const p of found) assert.match(p.source, /https:\/\/|\.go\b/, "each problem names its source");
}

function accepts(limit: string, resources: CapturedResource[]) {
  assert.deepEqual(problems(limit, resources), []);
}

test("every check names its source (a URL or a source file) and applies to at least one resource type", () => {
  assert.ok(CLOUD_LIMIT_CHECKS.length >= 20);
  for (const c of CLOUD_LIMIT_CHECKS) {
    assert.match(c.source, /https:\/\/|\.go\b/, c.id);
    assert.ok(c.types.length > 0, c.id);
  }
  assert.equal(new Set(CLOUD_LIMIT_CHECKS.map((c) => c.id)).size, CLOUD_LIMIT_CHECKS.length);
});

test("auto-names: resource name + '-' + 7 hex must fit (pulumi/pulumi sdk/go/common/resource/resource_id.go NewUniqueHex; terraform-bridge AutoName Randlen 7)", () => {
  // ALB target group names: 32 characters (API_CreateTargetGroup). 24 + 8 = 32 fits, 25 + 8 does not.
  accepts("aws-lb-name", [res("aws:lb/targetGroup:TargetGroup", x(24), {})]);
  refuses(
    "aws-lb-name",
    [res("aws:lb/targetGroup:TargetGroup", x(25), {})],
    `aws:lb/targetGroup:TargetGroup ${x(25)}`,
    /auto-name .* is 33 characters; allowed 1-32/,
  );
  // IAM role auto-name: 64 (API_CreateRole); namePrefix: 38 (64 - 26).
  accepts("aws-iam-role-name", [res("aws:iam/role:Role", x(56), {})]);
  refuses(
    "aws-iam-role-name",
    [res("aws:iam/role:Role", x(57), {})],
    `aws:iam/role:Role ${x(57)}`,
    /65 characters; allowed 1-64/,
  );
  refuses(
    "aws-iam-role-name",
    [res("aws:iam/role:Role", "r", { namePrefix: x(39) })],
    "aws:iam/role:Role r",
    /namePrefix .* at most 38/,
  );
  refuses(
    "aws-iam-role-name",
    [res("aws:iam/role:Role", "r", { name: `${x(10)}!` })],
    "aws:iam/role:Role r",
    /does not match/,
  );
});

test("namePrefix gets 26 generated characters (terraform-plugin-sdk helper/id PrefixedUniqueId): security group names 255 (API_CreateSecurityGroup)", () => {
  accepts("aws-security-group-name", [res("aws:ec2/securityGroup:SecurityGroup", "g", { namePrefix: x(229) })]);
  refuses(
    "aws-security-group-name",
    [res("aws:ec2/securityGroup:SecurityGroup", "g", { namePrefix: x(230) })],
    "aws:ec2/securityGroup:SecurityGroup g",
    /namePrefix .* \+ 26 generated characters\) is 256 characters/,
  );
  refuses(
    "aws-security-group-name",
    [res("aws:ec2/securityGroup:SecurityGroup", "g", { name: "sg-web" })],
    "aws:ec2/securityGroup:SecurityGroup g",
    /starts with sg-/,
  );
});

test("ALB and target group names: 32, letters digits hyphens, no leading/trailing hyphen, namePrefix 6 (API_CreateLoadBalancer)", () => {
  accepts("aws-lb-name", [res("aws:lb/loadBalancer:LoadBalancer", "alb", { name: x(32) })]);
  refuses(
    "aws-lb-name",
    [res("aws:lb/loadBalancer:LoadBalancer", "alb", { name: x(33) })],
    "aws:lb/loadBalancer:LoadBalancer alb",
    /33 characters/,
  );
  refuses(
    "aws-lb-name",
    [res("aws:lb/loadBalancer:LoadBalancer", "alb", { name: "web-" })],
    "aws:lb/loadBalancer:LoadBalancer alb",
    /does not match/,
  );
  refuses(
    "aws-lb-name",
    [res("aws:lb/loadBalancer:LoadBalancer", "alb", { name: "internal-web" })],
    "aws:lb/loadBalancer:LoadBalancer alb",
    /internal-/,
  );
  refuses(
    "aws-lb-name",
    [res("aws:lb/targetGroup:TargetGroup", "tg", { namePrefix: "abcdefg" })],
    "aws:lb/targetGroup:TargetGroup tg",
    /at most 6/,
  );
});

test("AWS tags: 50 per resource counting the provider's default tags, key 128, value 256, no aws: prefix (tagging.html#tag-conventions)", () => {
  const defaults: Record<string, string> = {};
  for (let i = 0; i < 48; i++) defaults[`d${i}`] = "v";
  const run = (own: Record<string, string>) =>
    checkCloudLimits([awsProvider(defaults), res("aws:ec2/vpc:Vpc", "vpc", { tags: own })]).problems.filter(
      (p) => p.limit === "aws-tags",
    );
  assert.deepEqual(run({ Name: "a", tier: "b" }), []);
  const over = run({ Name: "a", tier: "b", service: "c" });
  assert.equal(over.length, 1);
  assert.equal(over[0].resource, "aws:ec2/vpc:Vpc vpc");
  assert.match(over[0].message, /51 tags including the provider's default tags; AWS allows at most 50/);
  // A resource tag with a default tag's key overrides it: not one more.
  assert.deepEqual(run({ Name: "a", d0: "x", tier: "b" }), []);
  refuses(
    "aws-tags",
    [res("aws:ec2/vpc:Vpc", "vpc", { tags: { [x(129)]: "v" } })],
    "aws:ec2/vpc:Vpc vpc",
    /129 characters; at most 128/,
  );
  refuses(
    "aws-tags",
    [res("aws:ec2/vpc:Vpc", "vpc", { tags: { k: x(257) } })],
    "aws:ec2/vpc:Vpc vpc",
    /257 characters; at most 256/,
  );
  refuses(
    "aws-tags",
    [res("aws:ec2/vpc:Vpc", "vpc", { tags: { "AWS:x": "v" } })],
    "aws:ec2/vpc:Vpc vpc",
    /reserved prefix aws:/,
  );
  accepts("aws-tags", [res("aws:ec2/vpc:Vpc", "vpc", { tags: { [x(128)]: x(256) } })]);
});

test("GCP labels: 64 with the provider's default and attribution labels, lowercase keys and values of 63 (labels-overview#requirements)", () => {
  const labels: Record<string, string> = {};
  for (let i = 0; i < 63; i++) labels[`l${i}`] = "v";
  const run = (own: Record<string, string>, provider = labels) =>
    checkCloudLimits([
      gcpProvider(provider),
      res("gcp:artifactregistry/repository:Repository", "ar", { repositoryId: "berth", labels: own }),
    ]).problems.filter((p) => p.limit === "gcp-labels");
  assert.deepEqual(run({}), [], "63 + goog-pulumi-provisioned = 64");
  assert.match(run({ extra: "v" })[0]?.message ?? "", /65 labels/);
  assert.match(run({}, { Team: "v" })[0]?.message ?? "", /label key "Team"/);
  assert.match(run({}, { team: x(64) })[0]?.message ?? "", /value/);
  assert.deepEqual(run({}, { [`t${x(62)}`]: x(63) }), []);
});

test("IAM policy sizes without whitespace: trust 2,048, role inline policies 10,240 together, managed 6,144 (reference_iam-quotas.html)", () => {
  const doc = (chars: number) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${x(chars)}` }],
    });
  const base = doc(0).length;
  const role = (trustChars: number) =>
    res("aws:iam/role:Role", "role", {
      name: "role",
      assumeRolePolicy: JSON.stringify(JSON.parse(doc(trustChars)), null, 4),
    });
  accepts("aws-iam-trust-policy-size", [role(2048 - base)]);
  refuses(
    "aws-iam-trust-policy-size",
    [role(2049 - base)],
    "aws:iam/role:Role role",
    /2049 characters; the default quota is 2,048/,
  );
  const r = res("aws:iam/role:Role", "exec", { name: "exec", assumeRolePolicy: doc(0) });
  const inline = (name: string, chars: number) =>
    res("aws:iam/rolePolicy:RolePolicy", name, { role: r.physicalId, policy: doc(chars) });
  accepts("aws-iam-inline-policy-size", [r, inline("a", 5120 - base), inline("b", 5120 - base)]);
  refuses(
    "aws-iam-inline-policy-size",
    [r, inline("a", 5120 - base), inline("b", 5121 - base)],
    "aws:iam/role:Role exec",
    /10241 characters \(a, b\); at most 10,240/,
  );
  accepts("aws-iam-managed-policy-size", [res("aws:iam/policy:Policy", "p", { policy: doc(6144 - base) })]);
  refuses(
    "aws-iam-managed-policy-size",
    [res("aws:iam/policy:Policy", "p", { policy: doc(6145 - base) })],
    "aws:iam/policy:Policy p",
    /6145 characters; at most 6,144/,
  );
});

test("S3 bucket names: 3-63 lowercase, no underscore, not an IP, bucketPrefix 37 (bucketnamingrules.html)", () => {
  accepts("aws-s3-bucket-name", [res("aws:s3/bucket:Bucket", x(55), {})]);
  refuses(
    "aws-s3-bucket-name",
    [res("aws:s3/bucket:Bucket", x(56), {})],
    `aws:s3/bucket:Bucket ${x(56)}`,
    /64 characters; allowed 3-63/,
  );
  refuses(
    "aws-s3-bucket-name",
    [res("aws:s3/bucket:Bucket", "Access_Logs", {})],
    "aws:s3/bucket:Bucket Access_Logs",
    /does not match/,
  );
  refuses(
    "aws-s3-bucket-name",
    [res("aws:s3/bucket:Bucket", "b", { bucket: "192.168.1.1" })],
    "aws:s3/bucket:Bucket b",
    /IP address/,
  );
  refuses(
    "aws-s3-bucket-name",
    [res("aws:s3/bucket:Bucket", "b", { bucketPrefix: x(38) })],
    "aws:s3/bucket:Bucket b",
    /bucketPrefix .* at most 37/,
  );
  refuses(
    "aws-s3-bucket-name",
    [res("aws:s3/bucket:Bucket", "b", { bucket: "a..b" })],
    "aws:s3/bucket:Bucket b",
    /reserved/,
  );
});

test("listener rules: 5 condition values and 5 wildcards per rule, 128 per value, 100 rules per load balancer, unique priorities (load-balancer-limits.html)", () => {
  const rule = (name: string, paths: string[], hosts: string[], priority = 1, listenerArn = "arn:listener") =>
    res("aws:lb/listenerRule:ListenerRule", name, {
      listenerArn,
      priority,
      conditions: [{ pathPattern: { values: paths } }, { hostHeader: { values: hosts } }],
      actions: [{ type: "forward", targetGroupArn: `arn:tg/${name}` }],
    });
  accepts("aws-alb-rule-conditions", [rule("r", ["/a/*", "/b/*", "/c/*"], ["*.x.com", "y.com"])]);
  refuses(
    "aws-alb-rule-conditions",
    [rule("r", ["/a", "/b", "/c"], ["x.com", "y.com", "z.com"])],
    "aws:lb/listenerRule:ListenerRule r",
    /6 condition values .* at most 5 per rule/,
  );
  refuses(
    "aws-alb-rule-conditions",
    [rule("r", ["/a/**", "/b/**", "/c/**"], [])],
    "aws:lb/listenerRule:ListenerRule r",
    /6 wildcards/,
  );
  refuses(
    "aws-alb-rule-conditions",
    [rule("r", [`/${x(128)}`], [])],
    "aws:lb/listenerRule:ListenerRule r",
    /129 characters; at most 128/,
  );
  refuses(
    "aws-alb-rule-conditions",
    [rule("r", ["/a"], [], 50001)],
    "aws:lb/listenerRule:ListenerRule r",
    /priority 50001/,
  );
  const lb = res("aws:lb/loadBalancer:LoadBalancer", "alb", {}, { arn: "arn:lb" });
  const listener = res(
    "aws:lb/listener:Listener",
    "https",
    { loadBalancerArn: "arn:lb", defaultActions: [] },
    { arn: "arn:listener" },
  );
  const rules = (count: number) => Array.from({ length: count }, (_, i) => rule(`r${i}`, [`/${i}`], [], i + 1));
  accepts("aws-alb-rules", [lb, listener, ...rules(100)]);
  refuses(
    "aws-alb-rules",
    [lb, listener, ...rules(101)],
    "aws:lb/loadBalancer:LoadBalancer alb",
    /101 listener rules on this load balancer; at most 100/,
  );
  refuses(
    "aws-alb-rules",
    [lb, listener, rule("a", ["/a"], [], 7), rule("b", ["/b"], [], 7)],
    "aws:lb/loadBalancer:LoadBalancer alb",
    /priorities 7 used twice/,
  );
});

test("security groups: 60 inbound and 60 outbound rules (amazon-vpc-limits.html#vpc-limits-security-groups)", () => {
  const sg = res("aws:ec2/securityGroup:SecurityGroup", "alb-sg", { description: "d" });
  const ingress = (count: number) =>
    Array.from({ length: count }, (_, i) =>
      res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `in-${i}`, { securityGroupId: sg.physicalId }),
    );
  accepts("aws-security-group-rules", [sg, ...ingress(60)]);
  refuses(
    "aws-security-group-rules",
    [sg, ...ingress(61)],
    "aws:ec2/securityGroup:SecurityGroup alb-sg",
    /61 inbound rules; at most 60/,
  );
});

test("ECR: repository names 2-256 lowercase paths (API_CreateRepository); replication to its own registry refused, 25 destinations (replication.html)", () => {
  accepts("aws-ecr-repository-name", [res("aws:ecr/repository:Repository", "app", { name: "buildcache/berth" })]);
  refuses(
    "aws-ecr-repository-name",
    [res("aws:ecr/repository:Repository", "app", { name: "Berth" })],
    "aws:ecr/repository:Repository app",
    /does not match/,
  );
  refuses(
    "aws-ecr-repository-name",
    [res("aws:ecr/repository:Repository", "app", { name: "b" })],
    "aws:ecr/repository:Repository app",
    /allowed 2-256/,
  );
  const replication = (destinations: { region: string; registryId: string }[]) =>
    res("aws:ecr/replicationConfiguration:ReplicationConfiguration", "app-replication", {
      replicationConfiguration: { rules: [{ destinations, repositoryFilters: [] }] },
    });
  accepts("aws-ecr-replication", [
    replication([
      { region: "eu-west-1", registryId: "222222222222" },
      { region: "us-east-1", registryId: "111111111111" },
    ]),
  ]);
  refuses(
    "aws-ecr-replication",
    [replication([{ region: "eu-west-1", registryId: "111111111111" }])],
    "aws:ecr/replicationConfiguration:ReplicationConfiguration app-replication",
    /its own registry \(account 111111111111, region eu-west-1\)/,
  );
  const many = Array.from({ length: 26 }, (_, i) => ({ region: "eu-west-1", registryId: String(300000000000 + i) }));
  refuses(
    "aws-ecr-replication",
    [replication(many)],
    "aws:ecr/replicationConfiguration:ReplicationConfiguration app-replication",
    /26 destinations; at most 25/,
  );
});

test("names of log groups 512, ECS cluster/service/family 255, KMS aliases, autoscaling policies 256 (CloudWatch Logs, ECS, KMS, Application Auto Scaling API references)", () => {
  accepts("aws-log-group-name", [res("aws:cloudwatch/logGroup:LogGroup", "l", { name: `/${x(511)}` })]);
  refuses(
    "aws-log-group-name",
    [res("aws:cloudwatch/logGroup:LogGroup", "l", { name: `/${x(512)}` })],
    "aws:cloudwatch/logGroup:LogGroup l",
    /513 characters/,
  );
  refuses(
    "aws-log-group-name",
    [res("aws:cloudwatch/logGroup:LogGroup", "l", { name: "/ecs/a b" })],
    "aws:cloudwatch/logGroup:LogGroup l",
    /does not match/,
  );
  refuses(
    "aws-ecs-names",
    [res("aws:ecs/cluster:Cluster", "c", { name: "berth.staging" })],
    "aws:ecs/cluster:Cluster c",
    /does not match/,
  );
  refuses(
    "aws-ecs-names",
    [res("aws:ecs/service:Service", "s", { name: x(256) })],
    "aws:ecs/service:Service s",
    /256 characters; allowed 1-255/,
  );
  refuses(
    "aws-ecs-names",
    [res("aws:ecs/taskDefinition:TaskDefinition", "t", { family: x(256) })],
    "aws:ecs/taskDefinition:TaskDefinition t",
    /256 characters/,
  );
  accepts("aws-ecs-names", [res("aws:ecs/taskDefinition:TaskDefinition", "t", { family: x(255) })]);
  refuses(
    "aws-kms",
    [res("aws:kms/alias:Alias", "a", { name: "alias/aws/berth" })],
    "aws:kms/alias:Alias a",
    /reserved prefix alias\/aws\//,
  );
  refuses(
    "aws-kms",
    [res("aws:kms/alias:Alias", "a", { name: "alias/berth.ecr" })],
    "aws:kms/alias:Alias a",
    /does not match/,
  );
  refuses(
    "aws-appautoscaling-policy-name",
    [res("aws:appautoscaling/policy:Policy", "p", { name: x(257) })],
    "aws:appautoscaling/policy:Policy p",
    /257 characters/,
  );
});

test("GCP service account ids 6-30, Artifact Registry repository ids, workload identity ids 4-32; GitHub environment names 255 (GCP IAM / Artifact Registry / GitHub docs)", () => {
  accepts("gcp-service-account-id", [res("gcp:serviceaccount/account:Account", "sa", { accountId: x(30) })]);
  refuses(
    "gcp-service-account-id",
    [res("gcp:serviceaccount/account:Account", "sa", { accountId: x(31) })],
    "gcp:serviceaccount/account:Account sa",
    /31 characters; allowed 6-30/,
  );
  refuses(
    "gcp-service-account-id",
    [res("gcp:serviceaccount/account:Account", "sa", { accountId: "berth-staging-" })],
    "gcp:serviceaccount/account:Account sa",
    /does not match/,
  );
  refuses(
    "gcp-service-account-id",
    [res("gcp:serviceaccount/account:Account", "sa", { accountId: "berth-a", displayName: x(101) })],
    "gcp:serviceaccount/account:Account sa",
    /displayName is 101/,
  );
  refuses(
    "gcp-artifact-registry-repository-id",
    [res("gcp:artifactregistry/repository:Repository", "ar", { repositoryId: "my_app" })],
    "gcp:artifactregistry/repository:Repository ar",
    /does not match/,
  );
  refuses(
    "gcp-workload-identity-ids",
    [res("gcp:iam/workloadIdentityPool:WorkloadIdentityPool", "p", { workloadIdentityPoolId: "gcp-pool" })],
    "gcp:iam/workloadIdentityPool:WorkloadIdentityPool p",
    /reserved prefix gcp-/,
  );
  refuses(
    "gcp-workload-identity-ids",
    [
      res("gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider", "p", {
        workloadIdentityPoolProviderId: x(33),
      }),
    ],
    "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider p",
    /33 characters/,
  );
  accepts("github-environment-name", [
    res("github:index/repositoryEnvironment:RepositoryEnvironment", "e", { environment: x(255) }),
  ]);
  refuses(
    "github-environment-name",
    [res("github:index/repositoryEnvironment:RepositoryEnvironment", "e", { environment: x(256) })],
    "github:index/repositoryEnvironment:RepositoryEnvironment e",
    /256 characters/,
  );
});

test("image references: OCI tags [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}, lowercase repository names (OCI distribution spec); docker object names (moby daemon/names/names.go)", () => {
  accepts("oci-image-reference", [
    res("docker-build:index:Image", "image", {
      tags: [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/berth:${x(128)}`, "127.0.0.1:5001/berth:v1.2.3-abc"],
    }),
  ]);
  refuses(
    "oci-image-reference",
    [res("docker-build:index:Image", "image", { tags: [`ghcr.io/o/berth:${x(129)}`] })],
    "docker-build:index:Image image",
    /129 characters/,
  );
  refuses(
    "oci-image-reference",
    [res("docker-build:index:Image", "image", { tags: ["ghcr.io/Org/berth:v1"] })],
    "docker-build:index:Image image",
    /repository name "Org\/berth"/,
  );
  refuses(
    "docker-object-name",
    [res("docker:index/container:Container", "c", { name: "-web" })],
    "docker:index/container:Container c",
    /does not match/,
  );
});

test("reads, components and providers are not checked; coverage counts the resources and checks that ran", () => {
  const component = { ...res("berth:ecs:FargateService", "web", {}), custom: false };
  const read = { ...res("aws:iam/role:Role", x(70), {}), id: "existing" };
  const r = checkCloudLimits([
    awsProvider(),
    component,
    read,
    res("aws:ecs/cluster:Cluster", "c", { name: "berth-staging" }),
  ]);
  assert.deepEqual(r.problems, []);
  assert.equal(r.checkedResources, 1);
  assert.deepEqual(
    [r.checksRun, r.checks],
    [2, CLOUD_LIMIT_CHECKS.length],
    "aws-tags and aws-ecs-names ran on the cluster",
  );
});
