/** The duration settings' format (`steadyStateTimeout`): a whole number of seconds, minutes or hours. */
export const DURATION = /^\d+(s|m|h)$/;

/** `15m`, `900s`, `1h` in seconds. */
export function durationSeconds(duration: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(duration);
  if (!m) throw new Error(`not a duration such as 15m, 900s or 1h: ${JSON.stringify(duration)}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"];
}
