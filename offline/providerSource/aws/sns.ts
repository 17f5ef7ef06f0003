import type { ProviderResourceFacts } from "../facts";

/** Facts of the provider's sns resources (hashicorp/terraform-provider-aws internal/service/sns/). To be derived. */
export const FACTS: ProviderResourceFacts[] = [];
