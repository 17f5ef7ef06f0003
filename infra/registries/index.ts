/** The three registries (ECR, Artifact Registry, GHCR) and the one image pushed to them. */
export * from "./ecr";
export * from "./artifactRegistry";
export * from "./image";
export * from "./registryTag";
