/**
 * A worker's refusal of a job: which worker, and why it cannot run it (other versions, backend,
 * a tensor it cannot fetch, a job it cannot read). Written as one line of the job's log, so it
 * lives and goes with the job's own keys; read back by the coordinator as hostile input.
 */

export interface Refusal {
  readonly worker: string;
  readonly reason: string;
}

/** Longest worker name and reason kept from a log line (the rest is cut with `...`). */
const MAX_TEXT = 500;

const cut = (t: string) => (t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT)}...` : t);

export function formatRefusal(r: Refusal): string {
  return JSON.stringify({ refused: cut(r.reason), worker: cut(r.worker) });
}

/** The refusal a job log line records, or null for any other line. */
export function parseRefusal(line: string): Refusal | null {
  try {
    const v = JSON.parse(line) as { refused?: unknown; worker?: unknown };
    if (typeof v !== 'object' || v === null || typeof v.refused !== 'string' || typeof v.worker !== 'string') return null;
    return { worker: cut(v.worker), reason: cut(v.refused) };
  } catch {
    return null;
  }
}
