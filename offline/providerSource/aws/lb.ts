import type { ProviderResourceFacts } from "../facts";

/** Facts of the provider's lb resources (hashicorp/terraform-provider-aws internal/service/lb/). To be derived. */
export const FACTS: ProviderResourceFacts[] = [];
