/** The ECS cluster and its Fargate services. */
export * from "./cluster";
export * from "./fargateService";
export * from "./logGroupKey";
