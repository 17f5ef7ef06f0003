/**
 * The network, cluster and load balancer part of the AWS path on its own, wired exactly as infra/awsStack.ts wires it: validated settings, then
 * Network, Cluster and LoadBalancer. The tests in this folder load it under mocks so they assert these components
 * without depending on the registries, image and services of the other parts (tests/network/awsStack.test.ts loads
 * the whole program once).
 */
import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "../../infra/config";
import { readGitState } from "../../infra/config/gitState";
import { Network } from "../../infra/network/network";
import { Cluster } from "../../infra/ecs/cluster";
import { LoadBalancer } from "../../infra/network/loadBalancer";

const settings = loadSettings(pulumi.runtime.allConfig(), { stack: pulumi.getStack(), git: readGitState });
const network = new Network("network", { settings });
const cluster = new Cluster("cluster", { settings });
const loadBalancer = new LoadBalancer("alb", { settings, network });

export = {
  vpcId: network.vpcId,
  vpcCidrBlock: network.vpcCidrBlock,
  privateSubnetIds: network.privateSubnetIds,
  publicSubnetIds: network.publicSubnetIds,
  clusterArn: cluster.arn,
  clusterName: cluster.name,
  execLogGroupName: cluster.execLogGroupName,
  url: loadBalancer.url,
  dnsName: loadBalancer.dnsName,
  loadBalancerArn: loadBalancer.arn,
  securityGroupId: loadBalancer.securityGroupId,
  targetGroupArns: Object.fromEntries(Object.entries(loadBalancer.targetGroups).map(([name, tg]) => [name, tg.arn])),
  warnings: [...network.warnings, ...cluster.warnings, ...loadBalancer.warnings],
};
