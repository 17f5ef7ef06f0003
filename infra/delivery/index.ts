/** Delivery identity (CI roles, workload identity, GitHub environment), its permission table, and prod's promotion. */
export * from "./delivery";
export * from "./deployPermissions";
export * from "./promotion";
export * from "./roleBoundary";
