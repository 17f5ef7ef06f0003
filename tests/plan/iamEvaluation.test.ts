/**
 * The IAM evaluation model of offline/iamEvaluation.ts against the rules of the IAM User Guide it encodes: policy
 * evaluation logic (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html), the
 * Action/Resource wildcards and the condition operators
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluate, wildcardMatch, type PolicyDocumentModel } from "../../offline/iamEvaluation";

const doc = (...Statement: PolicyDocumentModel["Statement"][]): PolicyDocumentModel => ({
  Version: "2012-10-17",
  Statement: Statement.flat(),
});
const allowAll = doc({ Effect: "Allow", Action: "*", Resource: "*" });

test("wildcards: `*` any run of characters, `?` exactly one; actions ignore case, ARNs do not", () => {
  assert.ok(wildcardMatch("arn:aws:iam::1:role/app-*", "arn:aws:iam::1:role/app-task"));
  assert.ok(wildcardMatch("arn:aws:iam::1:role/app-*", "arn:aws:iam::1:role/app-"));
  assert.ok(!wildcardMatch("arn:aws:iam::1:role/app-*", "arn:aws:iam::1:role/other"));
  assert.ok(wildcardMatch("network-flow-logs-???????", "network-flow-logs-abc1234"));
  assert.ok(!wildcardMatch("network-flow-logs-???????", "network-flow-logs-abc12345"));
  assert.ok(!wildcardMatch("arn:aws:s3:::a.b", "arn:aws:s3:::aXb"), "`.` is literal");
  assert.equal(
    evaluate({
      identityPolicies: [doc({ Effect: "Allow", Action: "IAM:getrole", Resource: "*" })],
      request: { action: "iam:GetRole", resource: "arn:aws:iam::1:role/x" },
    }),
    "allow",
  );
  assert.equal(
    evaluate({
      identityPolicies: [doc({ Effect: "Allow", Action: "iam:GetRole", Resource: "arn:aws:iam::1:role/X" })],
      request: { action: "iam:GetRole", resource: "arn:aws:iam::1:role/x" },
    }),
    "implicitDeny",
  );
});

test("nothing allows: implicit deny; an explicit Deny wins over every Allow", () => {
  const request = { action: "s3:PutBucketPolicy", resource: "arn:aws:s3:::b" };
  assert.equal(evaluate({ identityPolicies: [], request }), "implicitDeny");
  assert.equal(evaluate({ identityPolicies: [allowAll], request }), "allow");
  assert.equal(
    evaluate({
      identityPolicies: [allowAll, doc({ Effect: "Deny", Action: "s3:Put*", Resource: "arn:aws:s3:::*" })],
      request,
    }),
    "explicitDeny",
  );
});

test("NotAction and NotResource match everything they do not list", () => {
  const p = doc({ Effect: "Allow", NotAction: "iam:*", NotResource: "arn:aws:s3:::secret" });
  assert.equal(
    evaluate({ identityPolicies: [p], request: { action: "s3:GetObject", resource: "arn:aws:s3:::b" } }),
    "allow",
  );
  assert.equal(
    evaluate({ identityPolicies: [p], request: { action: "iam:CreateRole", resource: "*" } }),
    "implicitDeny",
  );
  assert.equal(
    evaluate({ identityPolicies: [p], request: { action: "s3:GetObject", resource: "arn:aws:s3:::secret" } }),
    "implicitDeny",
  );
});

test("a permissions boundary intersects: the request needs both an identity Allow and a boundary Allow", () => {
  const boundary = doc({ Effect: "Allow", Action: "logs:PutLogEvents", Resource: "*" });
  assert.equal(
    evaluate({ identityPolicies: [allowAll], boundary, request: { action: "logs:PutLogEvents", resource: "x" } }),
    "allow",
  );
  assert.equal(
    evaluate({ identityPolicies: [allowAll], boundary, request: { action: "iam:CreateRole", resource: "x" } }),
    "implicitDeny",
  );
  assert.equal(
    evaluate({ identityPolicies: [], boundary, request: { action: "logs:PutLogEvents", resource: "x" } }),
    "implicitDeny",
    "a boundary grants nothing by itself",
  );
});

test("conditions: keys AND, values OR; an absent key fails a positive operator and passes a negated one", () => {
  const p = doc({
    Effect: "Allow",
    Action: "iam:CreateRole",
    Resource: "*",
    Condition: {
      StringEquals: { "iam:PermissionsBoundary": ["arn:b1", "arn:b2"], "aws:RequestedRegion": "eu-west-1" },
    },
  });
  const ask = (context?: Record<string, string>) =>
    evaluate({ identityPolicies: [p], request: { action: "iam:CreateRole", resource: "r", context } });
  assert.equal(ask({ "iam:PermissionsBoundary": "arn:b2", "aws:RequestedRegion": "eu-west-1" }), "allow");
  assert.equal(ask({ "iam:PermissionsBoundary": "arn:b3", "aws:RequestedRegion": "eu-west-1" }), "implicitDeny");
  assert.equal(ask({ "iam:PermissionsBoundary": "arn:b1" }), "implicitDeny", "both keys must hold");
  assert.equal(ask(), "implicitDeny", "absent keys: a positive operator is false");

  const deny = doc(
    { Effect: "Allow", Action: "*", Resource: "*" },
    {
      Effect: "Deny",
      Action: "iam:CreateRole",
      Resource: "*",
      Condition: { StringNotEquals: { "iam:PermissionsBoundary": "arn:b1" } },
    },
  );
  const denyAsk = (context?: Record<string, string>) =>
    evaluate({ identityPolicies: [deny], request: { action: "iam:CreateRole", resource: "r", context } });
  assert.equal(denyAsk({ "iam:PermissionsBoundary": "arn:b1" }), "allow");
  assert.equal(denyAsk({ "iam:PermissionsBoundary": "arn:b2" }), "explicitDeny");
  assert.equal(denyAsk(), "explicitDeny", "absent key: a negated operator is true");
});

test("IfExists passes on an absent key; Null tests presence; ArnLike matches wildcards", () => {
  const ifExists = doc({
    Effect: "Allow",
    Action: "s3:ListBucket",
    Resource: "*",
    Condition: { StringEqualsIfExists: { "s3:prefix": "logs/" } },
  });
  const ask = (p: PolicyDocumentModel, context?: Record<string, string>) =>
    evaluate({ identityPolicies: [p], request: { action: "s3:ListBucket", resource: "r", context } });
  assert.equal(ask(ifExists), "allow");
  assert.equal(ask(ifExists, { "s3:prefix": "other/" }), "implicitDeny");
  const absent = doc({
    Effect: "Allow",
    Action: "s3:ListBucket",
    Resource: "*",
    Condition: { Null: { "k:x": "true" } },
  });
  assert.equal(ask(absent), "allow");
  assert.equal(ask(absent, { "k:x": "1" }), "implicitDeny");
  const arn = doc({
    Effect: "Allow",
    Action: "s3:ListBucket",
    Resource: "*",
    Condition: { ArnLike: { "aws:SourceArn": "arn:aws:ecs:eu-west-1:1:*" } },
  });
  assert.equal(ask(arn, { "aws:SourceArn": "arn:aws:ecs:eu-west-1:1:task/x" }), "allow");
  assert.equal(ask(arn, { "aws:SourceArn": "arn:aws:ecs:us-east-1:1:task/x" }), "implicitDeny");
});

test("multivalued keys: ForAnyValue needs one match, ForAllValues needs every value to match", () => {
  const anyOf = doc({
    Effect: "Deny",
    Action: "kms:TagResource",
    Resource: "*",
    Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": ["stack", "project"] } },
  });
  const allOf = doc({
    Effect: "Allow",
    Action: "kms:TagResource",
    Resource: "*",
    Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["Name", "team"] } },
  });
  const ask = (policies: PolicyDocumentModel[], keys: string[]) =>
    evaluate({
      identityPolicies: policies,
      request: { action: "kms:TagResource", resource: "k", context: { "aws:TagKeys": keys } },
    });
  assert.equal(ask([allowAll, anyOf], ["Name", "stack"]), "explicitDeny");
  assert.equal(ask([allowAll, anyOf], ["Name"]), "allow");
  assert.equal(ask([allOf], ["Name", "team"]), "allow");
  assert.equal(ask([allOf], ["Name", "stack"]), "implicitDeny");
});

test("an operator the model does not know is refused, not silently false", () => {
  assert.throws(
    () =>
      evaluate({
        identityPolicies: [
          doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { DateLessThan: { "aws:CurrentTime": "x" } } }),
        ],
        request: { action: "s3:GetObject", resource: "r", context: { "aws:CurrentTime": "y" } },
      }),
    /DateLessThan/,
  );
});
