/**
 * Search budgets: duration strings (`90s`, `12m`, `1h30m`, `1.5h`) and a tracker of trials and
 * wall-clock seconds used. The clock is injected, so tests never depend on real time.
 */
import { AssayError } from '../../core/errors.js';

/** A duration string that cannot be read; `code` is `search.duration`. */
export class DurationError extends AssayError {
  readonly input: string;
  constructor(input: string, reason: string) {
    super('search.duration', `invalid duration "${input}": ${reason} (write e.g. 90s, 12m, 1h30m or 1.5h)`, 2);
    this.name = 'DurationError';
    this.input = input;
  }
}

const UNIT_SECONDS = { d: 86400, h: 3600, m: 60, s: 1 } as const;
type Unit = keyof typeof UNIT_SECONDS;
const UNIT_ORDER: readonly Unit[] = ['d', 'h', 'm', 's'];

/**
 * Parse a duration into seconds: one or more `<number><unit>` parts, units `d`, `h`, `m`, `s`, each
 * at most once and from largest to smallest (`1h30m`, `1.5h`, `90s`, `2m30s`).
 * Whitespace anywhere is ignored (`1h 30m`); case matters not. The total must be positive and finite.
 * NOTE: a bare number (`600`) is rejected: seconds or minutes would be a guess.
 * @throws DurationError naming the input and the reason.
 */
export function parseDuration(text: string): number {
  const s = text.replace(/\s+/g, '').toLowerCase();
  if (s === '') throw new DurationError(text, 'it is empty');
  if (/^\d+(\.\d+)?$/.test(s)) throw new DurationError(text, 'a unit is missing');
  const part = /(\d+(?:\.\d+)?|\.\d+)([a-z]+)/y;
  let total = 0;
  let pos = 0;
  let lastUnit = -1;
  while (pos < s.length) {
    part.lastIndex = pos;
    const m = part.exec(s);
    if (!m) throw new DurationError(text, `cannot read "${s.slice(pos)}"`);
    const unit = m[2]! as Unit;
    const order = UNIT_ORDER.indexOf(unit);
    if (order < 0) throw new DurationError(text, `unknown unit "${m[2]}" (use d, h, m or s)`);
    if (order <= lastUnit) throw new DurationError(text, 'units must appear once each, largest first');
    lastUnit = order;
    total += Number(m[1]) * UNIT_SECONDS[unit];
    pos = part.lastIndex;
  }
  if (!(total > 0) || !Number.isFinite(total)) throw new DurationError(text, 'it must be longer than zero');
  return total;
}

/** Render seconds as a duration string that `parseDuration` reads back (e.g. `1h30m`, `45s`, `1.5s`). */
export function formatDuration(seconds: number): string {
  if (!(seconds > 0)) return '0s';
  let rest = seconds;
  let out = '';
  for (const u of ['h', 'm'] as const) {
    const n = Math.floor(rest / UNIT_SECONDS[u]);
    if (n > 0) { out += `${n}${u}`; rest -= n * UNIT_SECONDS[u]; }
  }
  const sec = Math.round(rest * 1000) / 1000;
  if (sec > 0 || out === '') out += `${sec}s`;
  return out;
}

/** What a budget allows and what was spent. `seconds` null: no time limit. */
export interface BudgetUse {
  readonly trials: number;
  readonly seconds: number | null;
}

/**
 * Tracks a search's budget: at most `trials` trials and, when `seconds` is not null, wall-clock
 * seconds since `start()` (read from `clock`, which returns seconds). Time is the one documented
 * source of non-determinism in a search, so it is checked only where the caller asks.
 */
export class Budget {
  readonly trials: number;
  readonly seconds: number | null;
  private readonly clock: () => number;
  private started: number | null = null;
  private trialsUsed = 0;

  constructor(opts: { readonly trials: number; readonly seconds: number | null; readonly clock?: () => number }) {
    if (!Number.isInteger(opts.trials) || opts.trials < 1) throw new AssayError('search.budget', `trials must be a whole number >= 1, got ${opts.trials}`, 2);
    if (opts.seconds !== null && !(opts.seconds > 0)) throw new AssayError('search.budget', `time budget must be > 0 seconds, got ${opts.seconds}`, 2);
    this.trials = opts.trials;
    this.seconds = opts.seconds;
    this.clock = opts.clock ?? defaultClock;
  }

  /** Start the clock (idempotent: the first call counts). */
  start(): void {
    if (this.started === null) this.started = this.clock();
  }

  /** Record `n` finished trials. */
  addTrials(n: number): void {
    this.trialsUsed += n;
  }

  /** Seconds since `start()` (0 before it). */
  elapsed(): number {
    return this.started === null ? 0 : Math.max(0, this.clock() - this.started);
  }

  /** Trials that may still be started. */
  trialsLeft(): number {
    return Math.max(0, this.trials - this.trialsUsed);
  }

  /** True when a time limit exists and the elapsed time has reached it. */
  timeUp(): boolean {
    return this.seconds !== null && this.elapsed() >= this.seconds;
  }

  /** What was spent so far. */
  used(): { readonly trials: number; readonly seconds: number } {
    return { trials: this.trialsUsed, seconds: this.elapsed() };
  }

  /** What was allowed. */
  planned(): BudgetUse {
    return { trials: this.trials, seconds: this.seconds };
  }
}

/** Monotonic seconds. NOTE: only budgets read it; nothing that shapes a result does. */
function defaultClock(): number {
  return performance.now() / 1000;
}
