// prod's deployment alarms, SNS topic and dashboard under mocks (tests/ecs/alarmsStack.ts); ECS semantics:
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html
import { describeAlarmsStack } from "./alarmsStack";

describeAlarmsStack("prod");
