import type { ProviderResourceFacts } from "../facts";

/** Facts of the provider's iam resources (hashicorp/terraform-provider-aws internal/service/iam/). To be derived. */
export const FACTS: ProviderResourceFacts[] = [];
