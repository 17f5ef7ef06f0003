// The staging and prod stacks under mocks (infra/index.ts with Pulumi.<stack>.yaml), one fresh evaluation of the
// program each (tests/support captureProgram): web and worker, fully asserted (tests/ecs/servicesStack.ts).
import { describe } from "node:test";
import { describeServicesStack } from "./servicesStack";

for (const stack of ["staging", "prod"] as const)
  describe(stack, () => {
    describeServicesStack(stack);
  });
