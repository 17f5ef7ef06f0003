/** The stack's explicit cloud providers. */
export { CloudProviders, gcpLabelsFromTags } from "./cloudProviders";
