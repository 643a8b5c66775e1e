/**
 * One trial numbering for people: trial #1 is the first. metrics.json records the best trial's
 * number from 1 (`search.bestTrial`); folders written before that have only `search.best`, the
 * index from 0. Pure.
 */

/** The best trial's number from 1, from any metrics.json; null when it names none. */
export function bestTrialNumber(metrics: { readonly search?: { readonly bestTrial?: unknown; readonly best?: unknown } } | null | undefined): number | null {
  const s = metrics?.search;
  if (typeof s?.bestTrial === 'number') return s.bestTrial;
  return typeof s?.best === 'number' ? s.best + 1 : null;
}
