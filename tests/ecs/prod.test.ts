// The prod stack under mocks (infra/index.ts with Pulumi.prod.yaml): web and worker, fully asserted.
import { describeServicesStack } from "./servicesStack";

describeServicesStack("prod");
