/**
 * Times as people read them (`assay runs`, `assay show` and the UI's runs table): local time to
 * the minute, `2026-11-29 19:13`. Machine-readable forms (`--json`, the UI's hover) keep the full ISO
 * timestamp the run folder holds.
 */

const two = (n: number): string => String(n).padStart(2, '0');

/** An ISO timestamp as local `YYYY-MM-DD HH:MM`; the text itself when it is not a time. */
export function localMinute(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  return `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())} ${two(t.getHours())}:${two(t.getMinutes())}`;
}
