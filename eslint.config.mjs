// ESLint (flat config) with typescript-eslint's recommended rules for every TypeScript file of the repository.
// scripts/test runs `eslint .` and `prettier --check .`; formatting is prettier's alone (no stylistic rules here).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
);
