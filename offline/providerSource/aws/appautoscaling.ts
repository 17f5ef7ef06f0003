import type { ProviderResourceFacts } from "../facts";

/** Facts of the provider's appautoscaling resources (hashicorp/terraform-provider-aws internal/service/appautoscaling/). To be derived. */
export const FACTS: ProviderResourceFacts[] = [];
