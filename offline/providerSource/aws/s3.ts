import type { ProviderResourceFacts } from "../facts";

/** Facts of the provider's s3 resources (hashicorp/terraform-provider-aws internal/service/s3/). To be derived. */
export const FACTS: ProviderResourceFacts[] = [];
