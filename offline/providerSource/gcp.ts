import type { ProviderResourceFacts } from "./facts";

/** Facts of the gcp provider's resources. To be derived. */
export const FACTS: ProviderResourceFacts[] = [];
