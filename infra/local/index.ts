/** The `local` stack: a registry container, the image, one hardened container per service, on a laptop's Docker. */
export * from "./localStack";
export * from "./localContainer";
export * from "./localRun";
