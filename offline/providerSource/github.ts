import type { ProviderResourceFacts } from "./facts";

/** Facts of the github provider's resources. To be derived. */
export const FACTS: ProviderResourceFacts[] = [];
