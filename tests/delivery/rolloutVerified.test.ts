/**
 * Staging with every rollout verified (the recorded completed.json shape per service): each FargateService has a
 * RolloutVerification registered after its service, watching that service's task definition, and the promotable
 * outputs are the verified digest.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { captureWithRollouts, ROLLOUT_TYPE, type RolloutCapture } from "./rolloutCapture";
import { settingsFor, STAGING_DIGEST } from "../support";
import { durationSeconds } from "../../infra/config/duration";

let r: RolloutCapture;

before(async () => {
  r = await captureWithRollouts({ web: "completed", worker: "completed" });
  assert.equal(r.stack.error, undefined, String(r.stack.error));
});

const ofType = (type: string) => r.stack.resources.filter((x) => x.type === type);

test("one RolloutVerification per service, a child of its FargateService, registered after the service (dependsOn)", () => {
  const verifications = ofType(ROLLOUT_TYPE);
  assert.deepEqual(verifications.map((v) => v.name).sort(), ["web-rollout", "worker-rollout"]);
  for (const v of verifications) {
    const component = r.stack.resources.find((x) => x.type === "berth:ecs:FargateService" && x.urn === v.parentUrn);
    assert.ok(component, `${v.name} is a child of a FargateService`);
    const service = r.stack.resources.find((x) => x.type === "aws:ecs/service:Service" && x.parentUrn === v.parentUrn)!;
    assert.ok(v.options?.dependencies.includes(service.urn!), `${v.name} waits for ${service.name}`);
  }
});

test("it watches the service's cluster, name and task definition, and the digest that task definition runs", () => {
  assert.equal(ofType(ROLLOUT_TYPE).length, 2);
  for (const v of ofType(ROLLOUT_TYPE)) {
    const parent = v.parentUrn;
    const service = r.stack.resources.find((x) => x.type === "aws:ecs/service:Service" && x.parentUrn === parent)!;
    const taskDefinition = r.stack.resources.find(
      (x) => x.type === "aws:ecs/taskDefinition:TaskDefinition" && x.parentUrn === parent,
    )!;
    const image = JSON.parse(taskDefinition.inputs.containerDefinitions)[0].image as string;
    assert.equal(v.inputs.cluster, service.inputs.cluster);
    assert.equal(v.inputs.serviceName, service.inputs.name);
    assert.equal(
      v.inputs.taskDefinitionArn,
      `${taskDefinition.state.arnWithoutRevision}:8`,
      "the revision the mock registered",
    );
    assert.equal(v.inputs.taskDefinitionArn, service.inputs.taskDefinition);
    assert.equal(`@${v.inputs.digest}`, image.slice(image.indexOf("@")));
    assert.equal(v.inputs.region, "eu-west-1");
    // Staging's services deploy with no bakes: the derived steadyStateTimeout (tests/ecs/steadyStateTimeout.test.ts).
    assert.equal(
      v.inputs.timeoutSeconds,
      durationSeconds(
        settingsFor("staging").services.find((s) => s.name === v.name.replace(/-rollout$/, ""))!.steadyStateTimeout,
      ),
    );
    assert.equal(typeof v.inputs.__provider, "string", "the serialized dynamic provider");
  }
});

test("the promotable outputs are the verified digest: imageDigest, the head of ranDigests, and the sha", () => {
  const verified = r.verifications["web-rollout"].outs!.digest;
  assert.equal(r.outcomes.imageDigest.value, verified);
  assert.equal(r.verifications["worker-rollout"].outs!.digest, verified);
  assert.deepEqual(r.outcomes.ranDigests.value, [verified, STAGING_DIGEST]);
  assert.match(String(r.outcomes.sourceSha.value), /^[0-9a-f]{40}$/);
  assert.deepEqual(r.rejections, []);
});
