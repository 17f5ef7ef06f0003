/** Delivery identity (CI roles, workload identity, GitHub environment), its permission table, and prod's promotion. */
export * from "./awsIdentity";
export * from "./delivery";
export * from "./deployPermissions";
export * from "./gcpIdentity";
export * from "./githubEnvironment";
export * from "./promotion";
export * from "./roleBoundary";
