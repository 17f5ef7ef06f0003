import type { ProviderResourceFacts } from "./facts";

/**
 * Check constraints of the github types Berth registers (infra/delivery/githubEnvironment.ts), read from
 * integrations/terraform-provider-github `github/`. Versions read (several are stored; the tool named the commit
 * where it gave one):
 * - resource_github_repository_environment.go: commit 02a5f35b3c04f9f8444c4f9fb6f8d93b225337bf (go-github v92).
 * - resource_github_repository_environment_deployment_policy.go: the SDKv2 version with branch_pattern/tag_pattern and
 *   policy_id (stored file id 19775143873, reached by its text; no commit given). The stored file at commit
 *   029960b78e43d8f5f5a42d7be769e5e72cba2431 is an older one with a single `pattern`, which the wrapped .d.ts no longer has.
 * - resource_github_actions_environment_variable.go: commit 008b1ad3e0de7bd47fa526a739e952c84b3a2e3b.
 * - resource_github_actions_variable.go: commit 0b2dbdc384019ce3289a9d685dae9eb4e84d2b0a.
 * - util.go validateSecretNameFunc / secretNameRegexp (stored file id 19085674534, reached by its text; no commit).
 * - resource_github_repository_ruleset.go: commit 0050c7b62444f43cee2d04021d77c3eb5a31feef, an OLDER version (go-github
 *   v57; the wrapped .d.ts has rules the file lacks, e.g. copilotCodeReview, pullRequest.requiredReviewers): only the
 *   checks on what Berth sets are kept.
 * CustomizeDiff checks (e.g. at most 6 reviewers users and teams combined) run at diff, not Check: left out.
 */

/** resource_github_actions_repository_oidc_subject_claim_customization_template.go, commit 055b7cb27c96e35fbf4e64cada26ae244cef003a. */
const OIDC_TEMPLATE = "github/resource_github_actions_repository_oidc_subject_claim_customization_template.go";

/** validateSecretNameFunc, used for variable names too. */
function variableNameConstraints(file: string): ProviderResourceFacts["constraints"] {
  return [
    { kind: "required", path: "variableName", source: `${file} variable_name Required` },
    {
      kind: "pattern",
      path: "variableName",
      pattern: "^[a-zA-Z_][a-zA-Z0-9_]*$",
      source: "github/util.go validateSecretNameFunc secretNameRegexp",
    },
    {
      kind: "pattern",
      path: "variableName",
      pattern: "^(?![Gg][Ii][Tt][Hh][Uu][Bb]_)",
      source: "github/util.go validateSecretNameFunc GITHUB_ prefix (strings.ToUpper)",
    },
    { kind: "required", path: "value", source: `${file} value Required` },
    { kind: "required", path: "repository", source: `${file} repository Required` },
  ];
}

const RULESET = "github/resource_github_repository_ruleset.go";

export const FACTS: ProviderResourceFacts[] = [
  {
    // github_repository_environment. `reviewers` and `deployment_branch_policy` are MaxItems:1 lists: Pulumi keeps
    // `reviewers` a list (reviewers[]) and makes deploymentBranchPolicy an object (as the .d.ts types them).
    type: "github:index/repositoryEnvironment:RepositoryEnvironment",
    files: ["github/resource_github_repository_environment.go"],
    constraints: [
      {
        kind: "required",
        path: "repository",
        source: "github/resource_github_repository_environment.go repository Required",
      },
      {
        kind: "required",
        path: "environment",
        source: "github/resource_github_repository_environment.go environment Required",
      },
      {
        kind: "range",
        path: "waitTimer",
        min: 0,
        max: 43200,
        source: "github/resource_github_repository_environment.go wait_timer validation.IntBetween(0, 43200)",
      },
      {
        kind: "length",
        path: "reviewers",
        max: 1,
        source: "github/resource_github_repository_environment.go reviewers MaxItems 1",
      },
      {
        kind: "length",
        path: "reviewers[].teams",
        max: 6,
        source: "github/resource_github_repository_environment.go reviewers.teams MaxItems 6",
      },
      {
        kind: "length",
        path: "reviewers[].users",
        max: 6,
        source: "github/resource_github_repository_environment.go reviewers.users MaxItems 6",
      },
      {
        kind: "required",
        path: "deploymentBranchPolicy.protectedBranches",
        source: "github/resource_github_repository_environment.go deployment_branch_policy.protected_branches Required",
      },
      {
        kind: "required",
        path: "deploymentBranchPolicy.customBranchPolicies",
        source:
          "github/resource_github_repository_environment.go deployment_branch_policy.custom_branch_policies Required",
      },
    ],
  },
  {
    // github_repository_environment_deployment_policy.
    type: "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    files: ["github/resource_github_repository_environment_deployment_policy.go"],
    constraints: [
      {
        kind: "required",
        path: "repository",
        source: "github/resource_github_repository_environment_deployment_policy.go repository Required",
      },
      {
        kind: "required",
        path: "environment",
        source: "github/resource_github_repository_environment_deployment_policy.go environment Required",
      },
      {
        kind: "exactlyOneOf",
        paths: ["branchPattern", "tagPattern"],
        source: "github/resource_github_repository_environment_deployment_policy.go branch_pattern ExactlyOneOf",
      },
      {
        kind: "length",
        path: "branchPattern",
        min: 1,
        source:
          "github/resource_github_repository_environment_deployment_policy.go branch_pattern validation.StringIsNotEmpty",
      },
      {
        kind: "length",
        path: "tagPattern",
        min: 1,
        source:
          "github/resource_github_repository_environment_deployment_policy.go tag_pattern validation.StringIsNotEmpty",
      },
    ],
  },
  {
    // github_actions_environment_variable.
    type: "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
    files: ["github/resource_github_actions_environment_variable.go", "github/util.go"],
    constraints: [
      {
        kind: "required",
        path: "environment",
        source: "github/resource_github_actions_environment_variable.go environment Required",
      },
      ...variableNameConstraints("github/resource_github_actions_environment_variable.go"),
    ],
  },
  {
    // The repository's OIDC subject template (infra/delivery/delivery.ts, staging only). Its Create also refuses
    // include_claim_keys together with use_default true, but at apply (an error of the function, not a Check): Berth
    // sends use_default false with the claim keys.
    type: "github:index/actionsRepositoryOidcSubjectClaimCustomizationTemplate:ActionsRepositoryOidcSubjectClaimCustomizationTemplate",
    files: [OIDC_TEMPLATE],
    constraints: [
      { kind: "required", path: "repository", source: `${OIDC_TEMPLATE} repository Required` },
      {
        kind: "length",
        path: "repository",
        min: 1,
        max: 100,
        source: `${OIDC_TEMPLATE} repository validation.StringLenBetween(1, 100)`,
      },
      { kind: "required", path: "useDefault", source: `${OIDC_TEMPLATE} use_default Required` },
      { kind: "length", path: "includeClaimKeys", min: 1, source: `${OIDC_TEMPLATE} include_claim_keys MinItems 1` },
    ],
  },
  {
    // github_actions_variable.
    type: "github:index/actionsVariable:ActionsVariable",
    files: ["github/resource_github_actions_variable.go", "github/util.go"],
    constraints: variableNameConstraints("github/resource_github_actions_variable.go"),
  },
  {
    // github_repository_ruleset. MaxItems:1 blocks become objects: conditions, conditions.refName, rules,
    // rules.pullRequest, rules.requiredStatusChecks; `required_check` (a set) -> requiredChecks[]; `include`/`exclude`
    // -> includes/excludes. `name` is Required in the schema but optional in the Pulumi input (auto-named): only its
    // length is kept.
    type: "github:index/repositoryRuleset:RepositoryRuleset",
    files: [RULESET],
    constraints: [
      {
        kind: "length",
        path: "name",
        min: 1,
        max: 100,
        source: `${RULESET} name validation.StringLenBetween(1, 100)`,
      },
      { kind: "required", path: "target", source: `${RULESET} target Required` },
      {
        kind: "oneOf",
        path: "target",
        values: ["branch", "tag"],
        source: `${RULESET} target validation.StringInSlice`,
      },
      { kind: "required", path: "enforcement", source: `${RULESET} enforcement Required` },
      {
        kind: "oneOf",
        path: "enforcement",
        values: ["disabled", "active", "evaluate"],
        source: `${RULESET} enforcement validation.StringInSlice`,
      },
      { kind: "required", path: "rules", source: `${RULESET} rules Required` },
      { kind: "required", path: "conditions.refName", source: `${RULESET} conditions.ref_name Required` },
      {
        kind: "required",
        path: "conditions.refName.includes",
        source: `${RULESET} conditions.ref_name.include Required`,
      },
      {
        kind: "required",
        path: "conditions.refName.excludes",
        source: `${RULESET} conditions.ref_name.exclude Required`,
      },
      {
        kind: "required",
        path: "bypassActors[].actorType",
        source: `${RULESET} bypass_actors.actor_type Required`,
      },
      {
        kind: "oneOf",
        path: "bypassActors[].bypassMode",
        values: ["always", "pull_request"],
        source: `${RULESET} bypass_actors.bypass_mode validation.StringInSlice`,
      },
      {
        kind: "required",
        path: "rules.requiredStatusChecks.requiredChecks",
        source: `${RULESET} rules.required_status_checks.required_check Required`,
      },
      {
        kind: "length",
        path: "rules.requiredStatusChecks.requiredChecks",
        min: 1,
        source: `${RULESET} rules.required_status_checks.required_check MinItems 1`,
      },
      {
        kind: "required",
        path: "rules.requiredStatusChecks.requiredChecks[].context",
        source: `${RULESET} rules.required_status_checks.required_check.context Required`,
      },
    ],
  },
];
