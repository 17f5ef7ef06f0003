/**
 * The network, cluster and load balancer part of the AWS path on its own, wired exactly as infra/awsStack.ts wires it: validated settings, then
 * Network, Cluster and LoadBalancer. The tests in this folder load it under mocks so they assert these components
 * without depending on the registries, image and services of the other parts (tests/network/awsStack.test.ts loads
 * the whole program once).
 */
import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "../../infra/config";
import { readGitState } from "../../infra/config/gitState";
import { LoadBalancer, Network } from "../../infra/network";
import { Cluster } from "../../infra/ecs";

const settings = loadSettings(pulumi.runtime.allConfig(), { stack: pulumi.getStack(), git: readGitState });
if (settings.target !== "aws") throw new Error(`networkProgram: ${settings.stack} is no aws stack`);
const { project, stack, environment, aws, logs } = settings;
const network = new Network("network", { network: settings.network, aws, logs, project, stack });
const cluster = new Cluster("cluster", { cluster: settings.cluster, aws, logs, project, stack });
const loadBalancer = new LoadBalancer("alb", {
  loadBalancer: settings.loadBalancer,
  services: settings.services,
  aws,
  project,
  stack,
  environment,
  network,
});

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
