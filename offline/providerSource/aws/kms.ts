import type { ProviderResourceFacts } from "../facts";

/**
 * Facts of the provider's kms resources (hashicorp/terraform-provider-aws internal/service/kms/), read with the
 * library's read_file (one stored version per file):
 * - key.go at 00a35305dc1b297a6fcdecdfbba33f1e63c3da39 (aws-sdk-go-v2, `@Tags(identifierAttribute="id")`: tag changes
 *   are kms:TagResource/UntagResource, listTags is kms:ListResourceTags),
 * - alias.go at 01c08000ddb14181b5bd19201d8fca311dc570e4, its finder FindAliasByName in find.go (ListAliases pages).
 * Creating a key with tags needs kms:TagResource as well
 * (https://docs.aws.amazon.com/kms/latest/developerguide/tag-permissions.html).
 */
export const FACTS: ProviderResourceFacts[] = [
  {
    // Berth sets description, enableKeyRotation, deletionWindowInDays, policy (log group keys), tags (default tags).
    // Never isEnabled=false (EnableKey/DisableKey not reached), customKeyStoreId, xksKeyId, rotationPeriodInDays.
    type: "aws:kms/key:Key",
    files: ["internal/service/kms/key.go"],
    constraints: [
      {
        kind: "length",
        path: "description",
        min: 0,
        max: 8192,
        source: "internal/service/kms/key.go description StringLenBetween(0, 8192)",
      },
      {
        kind: "range",
        path: "deletionWindowInDays",
        min: 7,
        max: 30,
        source: "internal/service/kms/key.go deletion_window_in_days IntBetween(7, 30)",
      },
      {
        kind: "range",
        path: "rotationPeriodInDays",
        min: 90,
        max: 2560,
        source: "internal/service/kms/key.go rotation_period_in_days IntBetween(90, 2560)",
      },
      {
        kind: "requiredWith",
        path: "rotationPeriodInDays",
        with: ["enableKeyRotation"],
        source: "internal/service/kms/key.go rotation_period_in_days RequiredWith",
      },
    ],
    calls: {
      // resourceKeyCreate: CreateKey (with tags), updateKeyRotationEnabled (EnableKeyRotation, then
      // waitKeyRotationEnabledPropagated: GetKeyRotationStatus), waitKeyPolicyPropagated (GetKeyPolicy),
      // waitTagsPropagated (ListResourceTags).
      create: [
        "kms:CreateKey",
        "kms:TagResource",
        "kms:EnableKeyRotation",
        "kms:GetKeyRotationStatus",
        "kms:GetKeyPolicy",
        "kms:ListResourceTags",
      ],
      // findKeyInfo: DescribeKey, GetKeyPolicy, GetKeyRotationStatus (AWS_KMS origin), listTags.
      read: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
      // resourceKeyUpdate: rotation (Enable/DisableKeyRotation + GetKeyRotationStatus wait), UpdateKeyDescription
      // (+ DescribeKey wait), PutKeyPolicy (+ GetKeyPolicy wait), tags.
      update: [
        "kms:EnableKeyRotation",
        "kms:DisableKeyRotation",
        "kms:GetKeyRotationStatus",
        "kms:UpdateKeyDescription",
        "kms:DescribeKey",
        "kms:PutKeyPolicy",
        "kms:GetKeyPolicy",
        "kms:TagResource",
        "kms:UntagResource",
      ],
      // resourceKeyDelete: ScheduleKeyDeletion, waitKeyDeleted (DescribeKey until pending deletion).
      delete: ["kms:ScheduleKeyDeletion", "kms:DescribeKey"],
    },
  },
  {
    type: "aws:kms/alias:Alias",
    files: ["internal/service/kms/alias.go", "internal/service/kms/find.go"],
    constraints: [
      { kind: "conflictsWith", path: "name", with: ["namePrefix"], source: "internal/service/kms/alias.go name" },
      { kind: "required", path: "targetKeyId", source: "internal/service/kms/alias.go target_key_id" },
    ],
    calls: {
      create: ["kms:CreateAlias"],
      read: ["kms:ListAliases"],
      update: ["kms:UpdateAlias"],
      delete: ["kms:DeleteAlias"],
    },
  },
];
