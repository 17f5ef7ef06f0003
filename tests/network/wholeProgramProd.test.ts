// The whole prod program: network, cluster and load balancer as wired in infra/awsStack.ts.
import { describeWholeProgram } from "./wholeProgram";

describeWholeProgram("prod");
