/** Proof that each service's rollout completed with the digest it was given. */
export * from "./resource";
export * from "./poll";
export * from "./verdict";
export * from "./verifiedRelease";
