import type { ProviderResourceFacts } from "../facts";

/** Facts of the provider's cloudwatch resources (hashicorp/terraform-provider-aws internal/service/cloudwatch/). To be derived. */
export const FACTS: ProviderResourceFacts[] = [];
