/** The Application Load Balancer: listeners, the load balancer itself, target groups. */
import type { Unwrap } from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import { asArray, refersTo, resourceRule, stackRule } from "./rule";
import { TLS13_LISTENER_POLICIES } from "./securityLists";

/** `aws.alb.*` are aliases of `aws.lb.*` with their own type tokens: a rule checks both. */
const LOAD_BALANCER = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];
const LISTENER = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"];
const TARGET_GROUP = ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"];

type LoadBalancer = Unwrap<aws.lb.LoadBalancerArgs>;
type Listener = Unwrap<aws.lb.ListenerArgs>;
type TargetGroup = Unwrap<aws.lb.TargetGroupArgs>;

/** ELB security policies that allow TLS 1.3 and nothing older than TLS 1.2 (policy/securityLists.ts; the config reader reads the same list). */
const TLS13_POLICIES: string[] = [...TLS13_LISTENER_POLICIES];

const isApplication = (lb: LoadBalancer) => lb.loadBalancerType === undefined || lb.loadBalancerType === "application";

const albHttps = stackRule({
  name: "berth-alb-https",
  summary: "Every Application Load Balancer has an HTTPS listener with a certificate.",
  controls: { checkov: ["CKV_AWS_2"] },
  resourceTypes: [...LOAD_BALANCER, ...LISTENER],
  remediationSteps: "Set `berth:loadBalancer.certificateArn` to an ACM certificate for the service's domain.",
  validate: (args, report) => {
    const https = args.resources.filter(
      (r) => LISTENER.includes(r.type) && r.props.protocol === "HTTPS" && r.props.certificateArn,
    );
    for (const lb of args.resources.filter(
      (r) => LOAD_BALANCER.includes(r.type) && isApplication(r.props as LoadBalancer),
    )) {
      if (!https.some((l) => refersTo(l, "loadBalancerArn", lb, (b) => [b.props.arn]))) {
        report(`load balancer ${lb.name} has no HTTPS listener with a certificate: traffic is plain HTTP.`, lb.urn);
      }
    }
  },
});

export const albTlsPolicy = resourceRule<Listener>({
  name: "berth-alb-tls13-policy",
  summary: "HTTPS listeners use a TLS 1.3 security policy (TLS 1.2 minimum, no legacy ciphers).",
  controls: { fsbp: ["ELB.17"], checkov: ["CKV_AWS_103"] },
  resourceTypes: LISTENER,
  configSchema: {
    properties: {
      allowedPolicies: {
        type: "array",
        items: { type: "string" },
        default: TLS13_POLICIES,
        description: "ELB security policies accepted.",
      },
    },
  },
  remediationSteps:
    "Leave `berth:loadBalancer.tlsPolicy` unset (ELBSecurityPolicy-TLS13-1-2-2021-06) or pick another TLS13-1-2/1-3 policy.",
  validate: (listener, args, report) => {
    if (listener.protocol !== "HTTPS") return;
    const allowed = args.getConfig<{ allowedPolicies?: string[] }>().allowedPolicies ?? TLS13_POLICIES;
    if (!listener.sslPolicy || !allowed.includes(listener.sslPolicy)) {
      report(
        `sslPolicy is ${JSON.stringify(listener.sslPolicy ?? "the AWS default (ELBSecurityPolicy-2016-08, TLS 1.0)")}; allowed: ${allowed.join(", ")}.`,
      );
    }
  },
});

const albHttpRedirects = resourceRule<Listener>({
  name: "berth-alb-http-redirects",
  summary: "HTTP listeners only redirect to HTTPS; they never forward traffic.",
  controls: { fsbp: ["ELB.1"], checkov: ["CKV2_AWS_20"] },
  resourceTypes: LISTENER,
  remediationSteps: "Set `berth:loadBalancer.certificateArn`: the HTTP listener then only redirects.",
  validate: (listener, _a, report) => {
    if (listener.protocol !== "HTTP" && !(listener.protocol === undefined && listener.port === 80)) return;
    const actions = asArray(listener.defaultActions);
    const redirectsToHttps =
      actions.length > 0 && actions.every((a) => a.type === "redirect" && a.redirect?.protocol === "HTTPS");
    if (!redirectsToHttps) {
      report(
        `HTTP listener's default actions are ${actions.map((a) => a.type).join(", ") || "empty"}, not a redirect to HTTPS: requests are served in plain text.`,
      );
    }
  },
});

const albDropInvalidHeaders = resourceRule<LoadBalancer>({
  name: "berth-alb-drop-invalid-headers",
  summary: "Application Load Balancers drop invalid HTTP header fields.",
  controls: { fsbp: ["ELB.4"], checkov: ["CKV_AWS_131"] },
  resourceTypes: LOAD_BALANCER,
  remediationSteps: "Leave `berth:loadBalancer.dropInvalidHeaderFields` unset or true.",
  validate: (lb, _a, report) => {
    if (isApplication(lb) && lb.dropInvalidHeaderFields !== true)
      report("dropInvalidHeaderFields is not true: malformed headers reach the app (request smuggling).");
  },
});

const albDesyncMitigation = resourceRule<LoadBalancer>({
  name: "berth-alb-desync-mitigation",
  summary: "Application Load Balancers use the defensive or strictest desync mitigation mode.",
  controls: { fsbp: ["ELB.12"], checkov: ["CKV_AWS_328"] },
  resourceTypes: LOAD_BALANCER,
  remediationSteps: "Leave `berth:loadBalancer.desyncMitigationMode` unset (defensive) or strictest.",
  validate: (lb, _a, report) => {
    if (!isApplication(lb)) return;
    const mode = lb.desyncMitigationMode ?? "defensive";
    if (mode !== "defensive" && mode !== "strictest")
      report(`desyncMitigationMode is ${JSON.stringify(mode)}: ambiguous requests are forwarded.`);
  },
});

const albAccessLogs = resourceRule<LoadBalancer>({
  name: "berth-alb-access-logs",
  summary: "Application Load Balancers write access logs to S3.",
  controls: { fsbp: ["ELB.5"], checkov: ["CKV_AWS_91"] },
  resourceTypes: LOAD_BALANCER,
  remediationSteps: "Leave `berth:loadBalancer.accessLogs` unset or true.",
  validate: (lb, _a, report) => {
    if (!isApplication(lb)) return;
    if (lb.accessLogs?.enabled === false || !lb.accessLogs?.bucket)
      report("accessLogs are not enabled with a bucket: no record of who called what.");
  },
});

const albDeletionProtection = resourceRule<LoadBalancer>({
  name: "berth-alb-deletion-protection",
  summary:
    "Application Load Balancers have deletion protection (advisory; mandatory for prod in policy/config/prod.json).",
  controls: { fsbp: ["ELB.6"], checkov: ["CKV_AWS_150"] },
  resourceTypes: LOAD_BALANCER,
  enforcementLevel: "advisory",
  remediationSteps: "Leave `berth:loadBalancer.deletionProtection` unset in prod (true) or set it true.",
  validate: (lb, _a, report) => {
    if (isApplication(lb) && lb.enableDeletionProtection !== true)
      report("enableDeletionProtection is not true: one `pulumi destroy` takes the service's address down.");
  },
});

const targetGroupHealthCheck = resourceRule<TargetGroup>({
  name: "berth-tg-health-check",
  summary: "HTTP target groups have an enabled health check with an explicit path.",
  controls: { checkov: ["CKV_AWS_261"] },
  resourceTypes: TARGET_GROUP,
  remediationSteps: "Keep the target group's health check on the app's /health endpoint.",
  validate: (tg, _a, report) => {
    if (tg.protocol !== undefined && tg.protocol !== "HTTP" && tg.protocol !== "HTTPS") return;
    if (tg.healthCheck?.enabled === false)
      return report("healthCheck.enabled is false: traffic goes to tasks that cannot answer.");
    if (!tg.healthCheck?.path)
      report("healthCheck.path is not set: the default / may pass while the app is not ready.");
  },
});

const targetGroupDeregistrationDelay = resourceRule<TargetGroup>({
  name: "berth-tg-deregistration-delay",
  summary: "Target groups drain in at most 60 s (the AWS default is 300 s), so deploys and rollbacks finish quickly.",
  controls: { other: "Berth: deploy and rollback speed (ECS/ALB best practice)" },
  resourceTypes: TARGET_GROUP,
  configSchema: { properties: { maxSeconds: { type: "integer", default: 60, minimum: 0, maximum: 3600 } } },
  remediationSteps: "Keep `deregistrationDelay` at or below the limit (the LoadBalancer component sets it).",
  validate: (tg, args, report) => {
    const max = args.getConfig<{ maxSeconds?: number }>().maxSeconds ?? 60;
    const delay = tg.deregistrationDelay === undefined ? 300 : Number(tg.deregistrationDelay);
    if (delay > max)
      report(
        `deregistrationDelay is ${tg.deregistrationDelay === undefined ? "unset (300 s)" : `${delay} s`}, above ${max} s.`,
      );
  },
});

export const albRules = [
  albHttps,
  albTlsPolicy,
  albHttpRedirects,
  albDropInvalidHeaders,
  albDesyncMitigation,
  albAccessLogs,
  albDeletionProtection,
  targetGroupHealthCheck,
  targetGroupDeregistrationDelay,
];
