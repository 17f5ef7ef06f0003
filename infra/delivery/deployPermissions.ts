/**
 * What the deploy role (the CI role that runs `pulumi up`, `refresh` and `destroy`) needs, per resource type the
 * program registers: the API actions the provider calls to create, read, update and delete it. The deploy policies
 * (infra/delivery/awsIdentity.ts `renderDeployPolicies`) are rendered from this table and nothing else, and
 * tests/delivery/deployPermissions.test.ts checks that every AWS type the staging and prod programs, and the
 * configurations at their extremes (tests/support/extremeConfigs.ts), register is here.
 *
 * Sources: the provider's CRUD calls (the Pulumi AWS provider wraps hashicorp/terraform-provider-aws,
 * `internal/service/<service>/<resource>.go`), derived per type in offline/providerSource/aws/*.ts (`calls`), which
 * tests/delivery/deployPermissions.test.ts holds this table to: after a provider upgrade, regenerate those facts and
 * the test names the actions to add here. Each service's actions are in the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 * Pulumi's own state lives in the Pulumi Cloud backend (docs/delivery.md), so no AWS action is needed for it;
 * `sts:GetCallerIdentity`, which the provider calls at start, needs no permission (STS API reference).
 */

export interface ResourcePermissions {
  create: string[];
  read: string[];
  update: string[];
  delete: string[];
  /** Service principals a role is passed to (`iam:PassRole` with `iam:PassedToService`). */
  passRoleTo?: string[];
  /** Service-linked roles the first create makes AWS create (`iam:CreateServiceLinkedRole`, `iam:AWSServiceName`). */
  serviceLinkedRoles?: string[];
  /** Only the building stack registers it (image pushes). */
  pushOnly?: boolean;
  /**
   * Part of the delivery identity (the OIDC provider, the deploy role's managed policies, the role boundary): created
   * and changed only from a laptop with admin credentials, so the deploy role reads it and is denied every write. Its
   * create, update and delete list nothing; the provider's write calls are not granted on purpose.
   */
  adminOnly?: boolean;
  /** Where the action list comes from, when more than the provider's CRUD calls. */
  source?: string;
}

const tags = (service: string) => [`${service}:TagResource`, `${service}:UntagResource`];
const ec2Tags = ["ec2:CreateTags", "ec2:DeleteTags"];
const securityGroupRuleWrites = [
  "ec2:AuthorizeSecurityGroupIngress",
  "ec2:AuthorizeSecurityGroupEgress",
  "ec2:RevokeSecurityGroupIngress",
  "ec2:RevokeSecurityGroupEgress",
];
const elbTags = ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"];
const s3Config = (put: string, get: string, del = put): ResourcePermissions => ({
  create: [put],
  read: [get],
  update: [put],
  delete: [del],
});

/** Resource type token -> actions. */
export const DEPLOY_PERMISSIONS: Record<string, ResourcePermissions> = {
  // --- ECR (list_amazonelasticcontainerregistry.html) ------------------------------------------------------------
  "aws:ecr/repository:Repository": {
    create: ["ecr:CreateRepository", "ecr:TagResource", "kms:CreateGrant", "kms:DescribeKey"],
    read: ["ecr:DescribeRepositories", "ecr:ListTagsForResource"],
    update: ["ecr:PutImageScanningConfiguration", "ecr:PutImageTagMutability", ...tags("ecr")],
    delete: ["ecr:DeleteRepository", "kms:RetireGrant"],
    source:
      "KMS-encrypted repositories: https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html (kms:CreateGrant, kms:RetireGrant, kms:DescribeKey)",
  },
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": {
    create: ["ecr:PutLifecyclePolicy"],
    read: ["ecr:GetLifecyclePolicy"],
    update: ["ecr:PutLifecyclePolicy"],
    delete: ["ecr:DeleteLifecyclePolicy"],
  },
  "aws:ecr/repositoryPolicy:RepositoryPolicy": {
    create: ["ecr:SetRepositoryPolicy"],
    read: ["ecr:GetRepositoryPolicy"],
    update: ["ecr:SetRepositoryPolicy"],
    delete: ["ecr:DeleteRepositoryPolicy"],
  },
  "aws:ecr/registryPolicy:RegistryPolicy": {
    create: ["ecr:PutRegistryPolicy"],
    read: ["ecr:GetRegistryPolicy"],
    update: ["ecr:PutRegistryPolicy"],
    delete: ["ecr:DeleteRegistryPolicy"],
  },
  "aws:ecr/replicationConfiguration:ReplicationConfiguration": {
    create: ["ecr:PutReplicationConfiguration"],
    read: ["ecr:DescribeRegistry"],
    update: ["ecr:PutReplicationConfiguration"],
    delete: ["ecr:PutReplicationConfiguration"],
    serviceLinkedRoles: ["replication.ecr.amazonaws.com"],
    source: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/slr-replication.html",
  },
  "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": {
    create: ["ecr:PutRegistryScanningConfiguration", "inspector2:Enable", "inspector2:ListAccountPermissions"],
    read: ["ecr:GetRegistryScanningConfiguration", "inspector2:ListCoverage", "inspector2:ListFindings"],
    update: ["ecr:PutRegistryScanningConfiguration", "inspector2:Enable", "inspector2:Disable"],
    delete: ["ecr:PutRegistryScanningConfiguration", "inspector2:Disable"],
    serviceLinkedRoles: ["inspector2.amazonaws.com"],
    source:
      "ENHANCED scanning: https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-iam.html",
  },
  // The image build pushes to ECR (docker-build's registry auth comes from the getAuthorizationToken invoke).
  "docker-build:index:Image": {
    create: [
      "ecr:BatchCheckLayerAvailability",
      "ecr:InitiateLayerUpload",
      "ecr:UploadLayerPart",
      "ecr:CompleteLayerUpload",
      "ecr:PutImage",
    ],
    read: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
    update: [],
    delete: [],
    pushOnly: true,
    source: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html",
  },

  // --- ECS (list_amazonelasticcontainerservice.html) -------------------------------------------------------------
  "aws:ecs/cluster:Cluster": {
    create: ["ecs:CreateCluster", "ecs:TagResource"],
    read: ["ecs:DescribeClusters", "ecs:ListTagsForResource"],
    update: ["ecs:UpdateCluster", "ecs:UpdateClusterSettings", ...tags("ecs")],
    delete: ["ecs:DeleteCluster"],
    serviceLinkedRoles: ["ecs.amazonaws.com"],
  },
  "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": {
    create: ["ecs:PutClusterCapacityProviders"],
    read: ["ecs:DescribeClusters"],
    update: ["ecs:PutClusterCapacityProviders"],
    delete: ["ecs:PutClusterCapacityProviders"],
  },
  "aws:ecs/taskDefinition:TaskDefinition": {
    create: ["ecs:RegisterTaskDefinition", "ecs:TagResource"],
    read: ["ecs:DescribeTaskDefinition"],
    update: ["ecs:RegisterTaskDefinition", ...tags("ecs")],
    delete: ["ecs:DeregisterTaskDefinition"],
    passRoleTo: ["ecs-tasks.amazonaws.com"],
    source:
      "task and execution roles: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html",
  },
  "aws:ecs/service:Service": {
    // waitForSteadyState: since hashicorp/terraform-provider-aws#43434 the waiter follows a new ECS deployment by its
    // service deployment (internal/service/ecs/service.go statusServiceWaitForStable: findPrimaryDeploymentARN lists
    // them, findDeploymentStatus describes the primary one), on create and on every update.
    create: ["ecs:CreateService", "ecs:TagResource", "ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments"],
    read: ["ecs:DescribeServices", "ecs:ListTagsForResource"],
    update: ["ecs:UpdateService", "ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments", ...tags("ecs")],
    delete: ["ecs:UpdateService", "ecs:DeleteService"],
    serviceLinkedRoles: ["ecs.amazonaws.com"],
    // canary, linear and blueGreen services name the ECS infrastructure role for load balancers
    // (loadBalancers[].advancedConfiguration.roleArn), which CreateService/UpdateService pass to ECS.
    passRoleTo: ["ecs.amazonaws.com"],
    source:
      "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AmazonECSInfrastructureRolePolicyForLoadBalancers.html (iam:PassRole to ecs.amazonaws.com)",
  },

  // --- Application Auto Scaling and its alarms (list_applicationautoscaling.html) ---------------------------------
  "aws:appautoscaling/target:Target": {
    create: [
      "application-autoscaling:RegisterScalableTarget",
      "application-autoscaling:TagResource",
      "ecs:DescribeServices",
      "ecs:UpdateService",
    ],
    read: ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:ListTagsForResource"],
    update: ["application-autoscaling:RegisterScalableTarget", ...tags("application-autoscaling")],
    delete: ["application-autoscaling:DeregisterScalableTarget"],
    serviceLinkedRoles: ["ecs.application-autoscaling.amazonaws.com"],
    source: "https://docs.aws.amazon.com/autoscaling/application/userguide/auth-and-access-control.html (ECS targets)",
  },
  "aws:appautoscaling/policy:Policy": {
    create: ["application-autoscaling:PutScalingPolicy", "cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms"],
    read: ["application-autoscaling:DescribeScalingPolicies"],
    update: ["application-autoscaling:PutScalingPolicy", "cloudwatch:PutMetricAlarm"],
    delete: ["application-autoscaling:DeleteScalingPolicy", "cloudwatch:DeleteAlarms"],
    source:
      "target tracking creates CloudWatch alarms as the caller: https://docs.aws.amazon.com/autoscaling/application/userguide/auth-and-access-control.html",
  },

  // --- CloudWatch Logs (list_amazoncloudwatchlogs.html) ----------------------------------------------------------
  "aws:cloudwatch/logGroup:LogGroup": {
    create: ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:TagResource"],
    read: ["logs:DescribeLogGroups", "logs:ListTagsForResource"],
    update: [
      "logs:PutRetentionPolicy",
      "logs:DeleteRetentionPolicy",
      "logs:AssociateKmsKey",
      "logs:DisassociateKmsKey",
      ...tags("logs"),
    ],
    delete: ["logs:DeleteLogGroup"],
  },
  // EventBridge writes the ECS deployment events to the stack's events log group (infra/observability/notifications.ts).
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": {
    create: ["logs:PutResourcePolicy"],
    read: ["logs:DescribeResourcePolicies"],
    update: ["logs:PutResourcePolicy"],
    delete: ["logs:DeleteResourcePolicy"],
  },

  // --- CloudWatch alarms and dashboards (list_amazoncloudwatch.html), EventBridge rules (list_amazoneventbridge.html) --
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    create: ["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"],
    read: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
    update: ["cloudwatch:PutMetricAlarm", ...tags("cloudwatch")],
    delete: ["cloudwatch:DeleteAlarms"],
  },
  "aws:cloudwatch/dashboard:Dashboard": {
    create: ["cloudwatch:PutDashboard"],
    read: ["cloudwatch:GetDashboard"],
    update: ["cloudwatch:PutDashboard"],
    delete: ["cloudwatch:DeleteDashboards"],
  },
  "aws:cloudwatch/eventRule:EventRule": {
    create: ["events:PutRule", "events:TagResource"],
    read: ["events:DescribeRule", "events:ListTagsForResource"],
    // `state` (ENABLED) is sent with PutRule (terraform-provider-aws internal/service/events/rule.go): no Enable/DisableRule.
    update: ["events:PutRule", ...tags("events")],
    delete: ["events:DeleteRule"],
  },
  "aws:cloudwatch/eventTarget:EventTarget": {
    create: ["events:PutTargets"],
    read: ["events:ListTargetsByRule"],
    update: ["events:PutTargets"],
    delete: ["events:RemoveTargets"],
  },

  // --- SNS: the stack's alarm topic (list_amazonsns.html) ---------------------------------------------------------
  "aws:sns/topic:Topic": {
    create: ["sns:CreateTopic", "sns:SetTopicAttributes", "sns:TagResource"],
    read: ["sns:GetTopicAttributes", "sns:ListTagsForResource"],
    update: ["sns:SetTopicAttributes", ...tags("sns")],
    delete: ["sns:DeleteTopic"],
  },
  "aws:sns/topicPolicy:TopicPolicy": {
    create: ["sns:SetTopicAttributes"],
    read: ["sns:GetTopicAttributes"],
    update: ["sns:SetTopicAttributes"],
    delete: ["sns:SetTopicAttributes"],
  },
  "aws:sns/topicSubscription:TopicSubscription": {
    create: ["sns:Subscribe"],
    read: ["sns:GetSubscriptionAttributes"],
    update: ["sns:SetSubscriptionAttributes"],
    delete: ["sns:Unsubscribe"],
  },

  // --- VPC (list_amazonec2.html) ----------------------------------------------------------------------------------
  "aws:ec2/vpc:Vpc": {
    create: ["ec2:CreateVpc", "ec2:ModifyVpcAttribute", "ec2:CreateTags"],
    read: [
      "ec2:DescribeVpcs",
      "ec2:DescribeVpcAttribute",
      "ec2:DescribeRouteTables",
      "ec2:DescribeNetworkAcls",
      "ec2:DescribeSecurityGroups",
    ],
    update: ["ec2:ModifyVpcAttribute", ...ec2Tags],
    delete: ["ec2:DeleteVpc"],
  },
  "aws:ec2/subnet:Subnet": {
    create: ["ec2:CreateSubnet", "ec2:ModifySubnetAttribute", "ec2:CreateTags"],
    read: ["ec2:DescribeSubnets"],
    update: ["ec2:ModifySubnetAttribute", ...ec2Tags],
    // The delete looks for network interfaces left in the subnet (offline/providerSource/aws/ec2.ts).
    delete: ["ec2:DeleteSubnet", "ec2:DescribeNetworkInterfaces"],
  },
  "aws:ec2/internetGateway:InternetGateway": {
    create: ["ec2:CreateInternetGateway", "ec2:AttachInternetGateway", "ec2:CreateTags"],
    read: ["ec2:DescribeInternetGateways"],
    update: ["ec2:AttachInternetGateway", "ec2:DetachInternetGateway", ...ec2Tags],
    delete: ["ec2:DetachInternetGateway", "ec2:DeleteInternetGateway"],
  },
  "aws:ec2/eip:Eip": {
    create: ["ec2:AllocateAddress", "ec2:CreateTags"],
    // The read also fetches the address's domain name attribute (internal/service/ec2/vpc_eip.go resourceEIPRead:
    // findEIPDomainNameAttributeByAllocationID, DescribeAddressesAttribute).
    read: ["ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"],
    update: ec2Tags,
    delete: ["ec2:DisassociateAddress", "ec2:ReleaseAddress"],
  },
  "aws:ec2/natGateway:NatGateway": {
    create: ["ec2:CreateNatGateway", "ec2:CreateTags"],
    read: ["ec2:DescribeNatGateways"],
    update: ec2Tags,
    delete: ["ec2:DeleteNatGateway"],
  },
  "aws:ec2/routeTable:RouteTable": {
    create: ["ec2:CreateRouteTable", "ec2:CreateTags"],
    read: ["ec2:DescribeRouteTables"],
    update: ec2Tags,
    // The delete disassociates the table's subnets first.
    delete: ["ec2:DisassociateRouteTable", "ec2:DeleteRouteTable"],
  },
  "aws:ec2/route:Route": {
    create: ["ec2:CreateRoute"],
    read: ["ec2:DescribeRouteTables"],
    update: ["ec2:ReplaceRoute"],
    delete: ["ec2:DeleteRoute"],
  },
  "aws:ec2/routeTableAssociation:RouteTableAssociation": {
    create: ["ec2:AssociateRouteTable"],
    read: ["ec2:DescribeRouteTables"],
    update: ["ec2:ReplaceRouteTableAssociation", "ec2:AssociateRouteTable"],
    delete: ["ec2:DisassociateRouteTable"],
  },
  "aws:ec2/securityGroup:SecurityGroup": {
    // Inline rules are authorized on create and replaced on update; a delete revokes them first when asked.
    create: [
      "ec2:CreateSecurityGroup",
      "ec2:RevokeSecurityGroupEgress",
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:CreateTags",
    ],
    read: ["ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules"],
    update: [...securityGroupRuleWrites, ...ec2Tags],
    delete: [
      "ec2:DeleteSecurityGroup",
      "ec2:DescribeNetworkInterfaces",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:RevokeSecurityGroupEgress",
    ],
  },
  // Adopts the VPC's default group and strips its rules; a delete only forgets it.
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": {
    create: ["ec2:DescribeSecurityGroupRules", ...securityGroupRuleWrites, ...ec2Tags],
    read: ["ec2:DescribeSecurityGroups"],
    update: [...securityGroupRuleWrites, ...ec2Tags],
    delete: [],
  },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
    create: ["ec2:AuthorizeSecurityGroupIngress", "ec2:CreateTags"],
    read: ["ec2:DescribeSecurityGroupRules"],
    update: ["ec2:ModifySecurityGroupRules", ...ec2Tags],
    delete: ["ec2:RevokeSecurityGroupIngress"],
  },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
    create: ["ec2:AuthorizeSecurityGroupEgress", "ec2:CreateTags"],
    read: ["ec2:DescribeSecurityGroupRules"],
    update: ["ec2:ModifySecurityGroupRules", ...ec2Tags],
    delete: ["ec2:RevokeSecurityGroupEgress"],
  },
  "aws:ec2/vpcEndpoint:VpcEndpoint": {
    create: ["ec2:CreateVpcEndpoint", "ec2:CreateTags"],
    read: ["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists", "ec2:DescribeNetworkInterfaces"],
    update: ["ec2:ModifyVpcEndpoint", ...ec2Tags],
    delete: ["ec2:DeleteVpcEndpoints"],
  },
  "aws:ec2/flowLog:FlowLog": {
    create: ["ec2:CreateFlowLogs", "ec2:CreateTags"],
    read: ["ec2:DescribeFlowLogs"],
    update: ec2Tags,
    delete: ["ec2:DeleteFlowLogs"],
    passRoleTo: ["vpc-flow-logs.amazonaws.com"],
    source:
      "flow logs to CloudWatch Logs pass their role: https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html (iam:PassRole)",
  },

  // --- Elastic Load Balancing (list_awselasticloadbalancingv2.html) -----------------------------------------------
  "aws:lb/loadBalancer:LoadBalancer": {
    create: [
      "elasticloadbalancing:CreateLoadBalancer",
      "elasticloadbalancing:ModifyLoadBalancerAttributes",
      "elasticloadbalancing:AddTags",
    ],
    // DescribeCapacityReservation: the read tolerates AccessDenied there, but asks (offline/providerSource/aws/lb.ts).
    read: [
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeLoadBalancerAttributes",
      "elasticloadbalancing:DescribeTags",
      "elasticloadbalancing:DescribeCapacityReservation",
    ],
    update: [
      "elasticloadbalancing:ModifyLoadBalancerAttributes",
      "elasticloadbalancing:SetSecurityGroups",
      "elasticloadbalancing:SetSubnets",
      "elasticloadbalancing:SetIpAddressType",
      ...elbTags,
    ],
    delete: ["elasticloadbalancing:DeleteLoadBalancer", "ec2:DescribeNetworkInterfaces"],
    serviceLinkedRoles: ["elasticloadbalancing.amazonaws.com"],
  },
  "aws:lb/targetGroup:TargetGroup": {
    create: [
      "elasticloadbalancing:CreateTargetGroup",
      "elasticloadbalancing:ModifyTargetGroupAttributes",
      "elasticloadbalancing:AddTags",
    ],
    read: [
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetGroupAttributes",
      "elasticloadbalancing:DescribeTags",
    ],
    update: ["elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes", ...elbTags],
    delete: ["elasticloadbalancing:DeleteTargetGroup"],
  },
  "aws:lb/listener:Listener": {
    create: [
      "elasticloadbalancing:CreateListener",
      "elasticloadbalancing:ModifyListenerAttributes",
      "elasticloadbalancing:AddTags",
    ],
    read: [
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeListenerAttributes",
      "elasticloadbalancing:DescribeTags",
    ],
    update: ["elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyListenerAttributes", ...elbTags],
    delete: ["elasticloadbalancing:DeleteListener"],
  },
  // Production and test listener rules of canary, linear and blueGreen services, and path/host routes.
  "aws:lb/listenerRule:ListenerRule": {
    create: ["elasticloadbalancing:CreateRule", "elasticloadbalancing:AddTags"],
    read: ["elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags"],
    update: ["elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities", ...elbTags],
    delete: ["elasticloadbalancing:DeleteRule"],
  },

  // --- KMS (list_awskeymanagementservice.html) --------------------------------------------------------------------
  "aws:kms/key:Key": {
    create: ["kms:CreateKey", "kms:EnableKeyRotation", "kms:TagResource"],
    read: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
    update: [
      "kms:PutKeyPolicy",
      "kms:UpdateKeyDescription",
      "kms:EnableKeyRotation",
      "kms:DisableKeyRotation",
      ...tags("kms"),
    ],
    delete: ["kms:ScheduleKeyDeletion"],
  },
  "aws:kms/alias:Alias": {
    create: ["kms:CreateAlias"],
    read: ["kms:ListAliases"],
    update: ["kms:UpdateAlias"],
    delete: ["kms:DeleteAlias"],
  },

  // --- S3: the access-log bucket (list_amazons3.html); bucket configuration only, never objects --------------------
  "aws:s3/bucket:Bucket": {
    create: ["s3:CreateBucket", "s3:PutBucketTagging"],
    // The provider's bucket read fetches every bucket sub-configuration.
    read: [
      "s3:ListBucket",
      "s3:GetBucketTagging",
      "s3:GetBucketAcl",
      "s3:GetBucketCORS",
      "s3:GetBucketWebsite",
      "s3:GetBucketVersioning",
      "s3:GetAccelerateConfiguration",
      "s3:GetBucketRequestPayment",
      "s3:GetBucketLogging",
      "s3:GetLifecycleConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:GetEncryptionConfiguration",
      "s3:GetBucketObjectLockConfiguration",
      "s3:GetBucketPolicy",
      "s3:GetBucketLocation",
    ],
    update: ["s3:PutBucketTagging"],
    delete: ["s3:DeleteBucket"],
  },
  "aws:s3/bucketVersioning:BucketVersioning": s3Config("s3:PutBucketVersioning", "s3:GetBucketVersioning"),
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": s3Config(
    "s3:PutEncryptionConfiguration",
    "s3:GetEncryptionConfiguration",
  ),
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": s3Config(
    "s3:PutBucketPublicAccessBlock",
    "s3:GetBucketPublicAccessBlock",
  ),
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": s3Config(
    "s3:PutBucketOwnershipControls",
    "s3:GetBucketOwnershipControls",
  ),
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": s3Config(
    "s3:PutLifecycleConfiguration",
    "s3:GetLifecycleConfiguration",
  ),
  "aws:s3/bucketPolicy:BucketPolicy": s3Config("s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"),

  // --- IAM (list_awsidentityandaccessmanagementiam.html): task, execution, ECS infrastructure and flow-log roles ----
  // Every role the deploy role creates or gives a policy carries the stack's boundary and its name prefix
  // (infra/delivery/awsIdentity.ts renderDeployPolicies: BoundedRoles, PrefixedRoles).
  "aws:iam/role:Role": {
    create: ["iam:CreateRole", "iam:TagRole"],
    read: ["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies"],
    update: [
      "iam:UpdateRole",
      "iam:UpdateRoleDescription",
      "iam:UpdateAssumeRolePolicy",
      "iam:PutRolePermissionsBoundary",
      "iam:TagRole",
      "iam:UntagRole",
    ],
    delete: ["iam:DeleteRole", "iam:ListInstanceProfilesForRole"],
  },
  "aws:iam/rolePolicy:RolePolicy": {
    create: ["iam:PutRolePolicy"],
    read: ["iam:GetRolePolicy"],
    update: ["iam:PutRolePolicy"],
    delete: ["iam:DeleteRolePolicy"],
  },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
    create: ["iam:AttachRolePolicy"],
    read: ["iam:ListAttachedRolePolicies"],
    update: [],
    delete: ["iam:DetachRolePolicy"],
  },
  // Part of the delivery identity: written only from a laptop (every IAM write on it is denied to CI); CI reads it.
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
    create: [],
    read: ["iam:GetOpenIDConnectProvider"],
    update: [],
    delete: [],
    adminOnly: true,
  },
  // The deploy role's own managed policies (infra/delivery/awsIdentity.ts) and the role boundary
  // (infra/delivery/roleBoundary.ts): delivery identity too, so read-only for CI.
  "aws:iam/policy:Policy": {
    create: [],
    read: ["iam:GetPolicy", "iam:GetPolicyVersion"],
    update: [],
    delete: [],
    adminOnly: true,
    source:
      "terraform-provider-aws internal/service/iam/policy.go (read: GetPolicy, GetPolicyVersion of the default version)",
  },

  // --- Berth's dynamic resources: they call AWS with the credentials of the `pulumi up` that runs them --------------
  // RolloutVerification polls DescribeServices (infra/rollout/poll.ts).
  "pulumi-nodejs:dynamic/berth:RolloutVerification": {
    create: ["ecs:DescribeServices"],
    read: [],
    update: ["ecs:DescribeServices"],
    delete: [],
  },
  // RegistryTag reads a manifest and puts it under the release tag through the registry API (infra/registries/registryTag.ts):
  // in ECR, a manifest GET/HEAD is ecr:BatchGetImage and a manifest PUT is ecr:PutImage.
  "pulumi-nodejs:dynamic/berth:RegistryTag": {
    create: ["ecr:BatchGetImage", "ecr:PutImage"],
    read: [],
    update: ["ecr:BatchGetImage", "ecr:PutImage"],
    delete: [],
    pushOnly: true,
    source:
      "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html, https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-retag.html (BatchGetImage, PutImage)",
  },
};

/** Provider functions (invokes) the program calls -> the actions they need. */
export const INVOKE_PERMISSIONS: Record<string, { actions: string[]; source?: string }> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": { actions: ["ec2:DescribeAvailabilityZones"] },
  "aws:ecr/getAuthorizationToken:getAuthorizationToken": { actions: ["ecr:GetAuthorizationToken"] },
  // The data source builds image_uri from the repository (internal/service/ecr/image_data_source.go).
  "aws:ecr/getImage:getImage": { actions: ["ecr:DescribeImages", "ecr:DescribeRepositories"] },
  // Only with berth:network.vpcId (an existing VPC): internal/service/ec2/vpc_data_source.go.
  "aws:ec2/getVpc:getVpc": { actions: ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeRouteTables"] },
  // The provider answers from its own table of ELB account ids per region: no API call.
  "aws:elb/getServiceAccount:getServiceAccount": {
    actions: [],
    source: "terraform-provider-aws internal/service/elb/service_account_data_source.go",
  },
};

export function actionsOf(p: ResourcePermissions): string[] {
  return [...p.create, ...p.read, ...p.update, ...p.delete];
}

export function passRoleServices(): string[] {
  return [...new Set(Object.values(DEPLOY_PERMISSIONS).flatMap((p) => p.passRoleTo ?? []))].sort();
}

export function serviceLinkedRoleServices(): string[] {
  return [...new Set(Object.values(DEPLOY_PERMISSIONS).flatMap((p) => p.serviceLinkedRoles ?? []))].sort();
}
