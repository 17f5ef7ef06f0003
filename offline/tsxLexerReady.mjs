// Preloaded after tsx by scripts/plan (`node --import tsx --import ./offline/tsxLexerReady.mjs ...`): waits until
// tsx's WebAssembly ES-module lexer is ready before the plan's modules load.
// tsx's CommonJS hook lexes every `.js` file that contains "import" or "export" (every compiled @pulumi/* file says
// `exports`) to tell an ES module from a CommonJS one. Its fast lexer is WebAssembly, compiled asynchronously when
// tsx registers; until that promise settles tsx falls back to the same lexer as plain JavaScript, several times
// slower. A program loaded synchronously at startup (offline/plan.ts imports @pulumi/pulumi, which loads TypeScript's
// 9 MB compiler) is lexed entirely by the fallback: about 0.4 s of CPU per plan on this machine. Awaiting the same
// module's `init` (Node's module cache hands tsx and this file one instance) before the entry loads removes it.
// Nothing changes but the lexer's speed; when tsx's layout differs (another version) this waits for nothing.
import { readdirSync } from "node:fs";
import { setImmediate } from "node:timers";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
try {
  const dist = join(dirname(require.resolve("tsx/package.json")), "dist");
  const lexer = readdirSync(dist).find((f) => /^lexer-.*\.cjs$/.test(f));
  if (lexer) await require(join(dist, lexer)).init;
  // tsx takes the lexer in its own continuation of the same promise: let it run first.
  await new Promise((resolve) => setImmediate(resolve));
} catch {
  // Not the tsx this was written for: the plan runs as before, only slower to load.
}
