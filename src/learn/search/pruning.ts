/**
 * Pruning rules: decide, after an epoch, whether a trial should stop early. Pure and
 * deterministic: a trial compares itself only against `peers` (the per-epoch validation objective
 * curves of trials that finished in earlier batches), never against trials running beside it, so
 * the same search prunes the same trials whatever the completion order of parallel workers.
 */

/** The pruning rules a search may use (SearchSpec.pruning). */
export type PruningRule = 'none' | 'median' | 'successive-halving';

/** Median rule: no pruning at epochs 1..MEDIAN_WARMUP_EPOCHS (early curves are noisy). */
export const MEDIAN_WARMUP_EPOCHS = 2;
/** Median rule and successive halving: at least this many peers must have reached the epoch. */
export const MIN_PEERS = 3;
/** Successive halving: reduction factor; rungs at epochs 1, 3, 9, 27, ... keep the top 1/3. */
export const HALVING_FACTOR = 3;

/** True when `epoch` (1-based) is a successive-halving rung: 1, 3, 9, 27, ... */
export function isRung(epoch: number): boolean {
  if (!Number.isInteger(epoch) || epoch < 1) return false;
  let r = 1;
  while (r < epoch) r *= HALVING_FACTOR;
  return r === epoch;
}

/** `a` is strictly better than `b` in the given direction; a non-finite value is the worst. */
function better(a: number, b: number, minimize: boolean): boolean {
  if (!Number.isFinite(a)) return false;
  if (!Number.isFinite(b)) return true;
  return minimize ? a < b : a > b;
}

/** Finite values of the peers at a 1-based epoch (peers that stopped earlier are left out). */
function valuesAt(peers: readonly (readonly number[])[], epoch: number): number[] {
  const out: number[] = [];
  for (const curve of peers) {
    const v = curve[epoch - 1];
    if (v !== undefined && Number.isFinite(v)) out.push(v);
  }
  return out;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Should a trial whose validation objective at 1-based `epoch` is `value` stop now?
 *
 * - `none`: never.
 * - `median`: after the warm-up (epoch > MEDIAN_WARMUP_EPOCHS) and with at least MIN_PEERS peers
 *   that reached this epoch, prune when `value` is strictly worse than the median of their values
 *   at the same epoch.
 * - `successive-halving`: only at rungs (epochs 1, 3, 9, ...) and with at least MIN_PEERS peers at
 *   the rung: rank the trial among the peers' values there plus its own; it survives when it is in
 *   the top max(1, floor(n / 3)) of those n, counting only peers strictly better than it (ties
 *   favour the running trial).
 *
 * A non-finite `value` counts as the worst possible. `peers[i][e - 1]` is peer i's value at epoch e.
 */
export function shouldPrune(
  rule: PruningRule,
  epoch: number,
  value: number,
  peers: readonly (readonly number[])[],
  minimize: boolean,
): boolean {
  switch (rule) {
    case 'none':
      return false;
    case 'median': {
      if (epoch <= MEDIAN_WARMUP_EPOCHS) return false;
      const vs = valuesAt(peers, epoch);
      if (vs.length < MIN_PEERS) return false;
      return better(median(vs), value, minimize);
    }
    case 'successive-halving': {
      if (!isRung(epoch)) return false;
      const vs = valuesAt(peers, epoch);
      if (vs.length < MIN_PEERS) return false;
      const keep = Math.max(1, Math.floor((vs.length + 1) / HALVING_FACTOR));
      const ahead = vs.filter((v) => better(v, value, minimize)).length;
      return ahead >= keep;
    }
    default:
      return rule satisfies never;
  }
}
