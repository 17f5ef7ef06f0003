import type { ProviderResourceFacts } from "../facts";

/** Facts of the provider's ecs resources (hashicorp/terraform-provider-aws internal/service/ecs/). To be derived. */
export const FACTS: ProviderResourceFacts[] = [];
