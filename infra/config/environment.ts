/** The kinds of stack: a leaf module, so every reader can name them without importing the config index. */
export const PROJECT = "berth";
export const ENVIRONMENTS = ["staging", "prod", "local"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
