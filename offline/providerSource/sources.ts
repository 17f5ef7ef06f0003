import type { ProviderSource } from "./facts";

/** Where each provider's facts were read (filled in by whoever derives them). Keyed by the type token's package. */
export const SOURCES: Record<string, ProviderSource> = {};
