/** One container spec per service, rendered to the ECS container definition (and to the local runs, infra/local/). */
export * from "./containerSpec";
export * from "./containerDefinition";
