import type { ProviderResourceFacts } from "./facts";

/** Facts of the docker provider's resources. To be derived. */
export const FACTS: ProviderResourceFacts[] = [];
