// The staging stack under mocks (infra/index.ts with Pulumi.staging.yaml): web and worker, fully asserted.
import { describeServicesStack } from "./servicesStack";

describeServicesStack("staging");
