/** The stack's explicit cloud providers. */
export { CloudProviders, gcpLabelsFromTags, type CloudProvidersArgs } from "./cloudProviders";
