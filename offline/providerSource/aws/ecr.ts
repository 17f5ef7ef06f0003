import type { ProviderResourceFacts } from "../facts";

/** Facts of the provider's ecr resources (hashicorp/terraform-provider-aws internal/service/ecr/). To be derived. */
export const FACTS: ProviderResourceFacts[] = [];
