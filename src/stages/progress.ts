/**
 * Console progress for a run, on stderr (stdout stays free for `--json`). One line per stage with
 * `cached` or its time; long work updates a live line on a terminal and prints sparse lines otherwise.
 */
import type { StageName, StageRecord } from './stage.js';

export interface Progress {
  stageStart(name: StageName): void;
  /** Work inside a stage: `done` of `total` units, with an optional detail. */
  tick(done: number, total: number, detail?: string): void;
  /** A free-form line (trial finished, warning). */
  line(text: string): void;
  stageEnd(record: StageRecord): void;
  stageFailed(name: StageName, err: unknown): void;
  /** A search trial finished (optional: for structured progress such as `progress.json`). */
  trial?(t: TrialProgress): void;
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

export function consoleProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = Boolean(stream.isTTY);
  let current: StageName | null = null;
  let lastTick = 0;
  let live = false;
  const clear = () => {
    if (live) stream.write('\r\x1b[2K');
    live = false;
  };
  return {
    stageStart(name) {
      current = name;
      lastTick = 0;
    },
    tick(done, total, detail) {
      // NOTE: wall-clock throttling of output only; nothing here shapes a result.
      const now = performance.now();
      if (done < total && now - lastTick < (tty ? 100 : 10_000)) return;
      lastTick = now;
      const pct = total > 0 ? ` ${Math.floor((100 * done) / total)}%` : '';
      const text = `  ${(current ?? '').padEnd(9)} ${done}/${total}${pct}${detail ? `  ${detail}` : ''}`;
      if (tty) {
        stream.write(`\r\x1b[2K${text.slice(0, (stream.columns ?? 120) - 1)}`);
        live = true;
      } else stream.write(`${text}\n`);
    },
    line(text) {
      clear();
      stream.write(`  ${text}\n`);
    },
    stageEnd(r) {
      clear();
      const status = r.cached ? 'cached' : `${r.seconds.toFixed(1)}s`;
      stream.write(`  ${r.name.padEnd(9)} ${status.padStart(7)}  ${r.summary}\n`);
      current = null;
    },
    stageFailed(name, err) {
      clear();
      stream.write(`  ${name.padEnd(9)}  failed: ${err instanceof Error ? err.message : String(err)}\n`);
    },
  };
}
