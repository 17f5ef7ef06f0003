import type { ProviderResourceFacts } from "../facts";

/** Facts of the provider's ec2 resources (hashicorp/terraform-provider-aws internal/service/ec2/). To be derived. */
export const FACTS: ProviderResourceFacts[] = [];
