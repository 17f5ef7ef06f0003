/** The VPC the tasks run in, and the internet-facing load balancer in front of them. */
export * from "./network";
export * from "./loadBalancer";
