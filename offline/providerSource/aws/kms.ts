import type { ProviderResourceFacts } from "../facts";

/** Facts of the provider's kms resources (hashicorp/terraform-provider-aws internal/service/kms/). To be derived. */
export const FACTS: ProviderResourceFacts[] = [];
