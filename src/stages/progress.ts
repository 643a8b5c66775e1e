/**
 * Console progress for a run, on stderr (stdout stays free for `--json`).
 *
 * On a terminal, long work updates one live line. Piped (CI logs, `| tee`), the output is a log:
 * one line per finished stage and per finished trial, and at most one progress line per
 * `pipedIntervalSeconds` (10 s) per stage, never a "100%" line (the stage's own line says it).
 * Counters never go backwards, also when parallel trials report out of order.
 *
 * Verbosity: `quiet` prints warnings only; `normal` stages, trials and throttled progress;
 * `verbose` adds detail lines and, piped, every progress update.
 */
import type { Eta } from './search-eta.js';
import type { StageName, StageRecord } from './stage.js';

/** What a free-form line is: `info` (default) is hidden by --quiet, `warning` never, `detail` shows with --verbose. */
export type LineKind = 'info' | 'warning' | 'detail';

export interface Progress {
  stageStart(name: StageName): void;
  /** Work inside a stage: `done` of `total` units, with an optional detail. */
  tick(done: number, total: number, detail?: string): void;
  /** A free-form line (trial finished, warning). */
  line(text: string, kind?: LineKind): void;
  stageEnd(record: StageRecord): void;
  stageFailed(name: StageName, err: unknown): void;
  /** A search trial finished (optional: for structured progress such as `progress.json`). */
  trial?(t: TrialProgress): void;
  /** The search's estimate of its end, the one its console lines show (optional, as `trial`). */
  eta?(eta: Eta): void;
}

/** One finished trial, as the search reports it. */
export interface TrialProgress {
  readonly index: number;
  readonly planned: number;
  /** The trial's objective score (NaN for a failed trial). */
  readonly score: number;
  /** The best score so far, or null when no trial has succeeded yet. */
  readonly best: number | null;
}

export const silentProgress: Progress = { stageStart() {}, tick() {}, line() {}, stageEnd() {}, stageFailed() {} };

export type Verbosity = 'quiet' | 'normal' | 'verbose';

/** The part of a stream the console writes to (a fake in tests). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ConsoleOptions {
  readonly stream?: ProgressStream;
  readonly verbosity?: Verbosity;
  /** Monotonic seconds; default performance.now() / 1000. Throttles output only. */
  readonly clock?: () => number;
  /** Seconds between progress lines of one stage when the stream is not a terminal (default 10). */
  readonly pipedIntervalSeconds?: number;
}

export function consoleProgress(options: ConsoleOptions | NodeJS.WriteStream = {}): Progress {
  const opts: ConsoleOptions = 'write' in options ? { stream: options } : options;
  const stream = opts.stream ?? process.stderr;
  const verbosity = opts.verbosity ?? 'normal';
  // NOTE: wall-clock throttling of output only; nothing here shapes a result.
  const clock = opts.clock ?? (() => performance.now() / 1000);
  const interval = opts.pipedIntervalSeconds ?? 10;
  const tty = Boolean(stream.isTTY);
  let current: StageName | null = null;
  let lastShown = 0;
  let maxDone = 0;
  let live = false;
  const clear = () => {
    if (live) stream.write('\r\x1b[2K');
    live = false;
  };
  const start = (name: StageName) => {
    if (current === name) return;
    current = name;
    lastShown = clock();
    maxDone = 0;
  };
  return {
    stageStart: start,
    tick(done, total, detail) {
      if (verbosity === 'quiet') return;
      maxDone = Math.max(maxDone, done);
      const now = clock();
      if (tty) {
        if (now - lastShown < 0.1 && done < total) return;
      } else if (verbosity !== 'verbose' && (done >= total || now - lastShown < interval)) return;
      lastShown = now;
      const pct = total > 0 ? ` ${Math.floor((100 * maxDone) / total)}%` : '';
      const text = `  ${(current ?? '').padEnd(9)} ${maxDone}/${total}${pct}${detail ? `  ${detail}` : ''}`;
      if (tty) {
        stream.write(`\r\x1b[2K${text.slice(0, (stream.columns ?? 120) - 1)}`);
        live = true;
      } else stream.write(`${text}\n`);
    },
    line(text, kind = 'info') {
      if (kind === 'detail' && verbosity !== 'verbose') return;
      if (kind === 'info' && verbosity === 'quiet') return;
      clear();
      stream.write(`  ${text}\n`);
    },
    stageEnd(r) {
      clear();
      current = null;
      if (verbosity === 'quiet') return;
      const status = r.cached ? 'cached' : formatSeconds(r.seconds);
      stream.write(`  ${r.name.padEnd(9)} ${status.padStart(7)}  ${r.summary}\n`);
    },
    stageFailed(name, err) {
      clear();
      current = null;
      stream.write(`  ${name.padEnd(9)}  failed: ${err instanceof Error ? err.message : String(err)}\n`);
    },
  };
}

/** Seconds for a person: `4.2s`, `2m05s`, `1h12m`. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
