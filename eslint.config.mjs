// ESLint (flat config) with typescript-eslint's recommended rules for every TypeScript file of the repository.
// scripts/test runs `eslint .` and `prettier --check .`; formatting is prettier's alone (no stylistic rules here).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// The layering, as the editor shows it (tests/repo/moduleGraph.test.ts checks it on the whole import graph, through
// every module): the deployed program (infra/) and the CrossGuard pack (policy/) import nothing from the offline
// tooling (offline/) or the tests; the pack nothing from the program either; bench/ nothing from the tests.
// no-restricted-imports matches the specifier as written (https://eslint.org/docs/latest/rules/no-restricted-imports#patterns),
// so each folder depth gets the "../" prefix that reaches the repository root from it.
const layering = [
  {
    folder: "infra",
    forbidden: ["offline", "tests"],
    why: "the deployed program never imports the offline tooling or the tests",
  },
  {
    folder: "policy",
    forbidden: ["infra", "offline", "tests"],
    why: "the policy pack owns its rules and lists (policy/securityLists.ts)",
  },
  { folder: "bench", forbidden: ["tests"], why: "bench/ does not depend on the tests" },
];
const layeringConfigs = layering.flatMap(({ folder, forbidden, why }) =>
  [1, 2, 3].map((depth) => {
    const up = "../".repeat(depth);
    return {
      files: [`${folder}/${"*/".repeat(depth - 1)}*.ts`],
      rules: {
        "no-restricted-imports": [
          "error",
          {
            patterns: [
              {
                group: forbidden.flatMap((f) => [`${up}${f}`, `${up}${f}/**`]),
                message: `${folder}/ imports nothing under ${forbidden.join("/, ")}/: ${why}.`,
              },
            ],
          },
        ],
      },
    };
  }),
);

export default tseslint.config(
  { ignores: ["node_modules/**", "artifacts/**", "app/**", "tests/App.Tests/**", "**/bin/**", "**/obj/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { sourceType: "module" },
    rules: {
      // Pulumi's mocks and the analyzer protocol hand back untyped property bags.
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
  ...layeringConfigs,
);
