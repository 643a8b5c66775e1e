/** Number and date texts shared by the report and the result commands. Pure. */

/** An ISO 8601 time as `2026-11-29 17:04 UTC`; anything unreadable is returned as given. */
export function utcMinute(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * `digits` significant digits without exponent or trailing zeros noise: 0.000123456 -> 0.000123,
 * 1234.5 -> 1235, 0.5 -> 0.5; integers stay whole. "n/a" for non-finite values.
 */
export function sig(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return 'n/a';
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 10 ** digits) return String(Math.round(v));
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(abs)));
  return String(Number(v.toFixed(Math.min(decimals, 20))));
}

/** Seconds in a narrow column: `4.2s`, `31s`, `2m06s`, `1h12m`. */
export function shortDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'n/a';
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
