/**
 * Configuration problems are collected, not thrown one at a time: a user who mistyped three settings sees all three,
 * each naming the key, the value given and what is allowed, before any resource is registered.
 */
export interface ConfigProblem {
  /** The full key path as the user writes it, e.g. `berth:services.web.cpu`. */
  key: string;
  /** The value given (rendered with JSON.stringify in the message). */
  value: unknown;
  /** What is allowed, in words, e.g. `one of 256, 512, 1024`. */
  allowed: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was registered:\n` +
        problems.map((p) => `  - ${renderProblem(p)}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

function renderProblem(p: ConfigProblem): string {
  return `${p.key}: got ${renderValue(p.value)}; allowed: ${p.allowed}`;
}

function renderValue(value: unknown): string {
  if (value === undefined) return "nothing (unset)";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Collects problems while a section is read; `throwIfAny` ends the read. */
export class Problems {
  readonly list: ConfigProblem[] = [];
  /**
   * Words an unknown key's problem adds after the known keys of its section (a suggestion, the setting's real home:
   * infra/config/keyHints.ts, from the declarations); none by default.
   */
  unknownKeyHint: (sectionPath: string, key: string, known: readonly string[]) => string = () => "";

  add(key: string, value: unknown, allowed: string): void {
    this.list.push({ key, value, allowed });
  }

  get any(): boolean {
    return this.list.length > 0;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.list);
  }
}
