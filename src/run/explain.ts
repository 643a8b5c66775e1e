/**
 * `assay explain`: why did a stage rerun? Compares each stage's fingerprint record in a run's lock
 * with the same stage in another run (by default the previous run of the same pipeline name).
 */
import { explainDifference, type FingerprintRecord } from '../store/fingerprint.js';
import { readLockOrNull } from '../store/run-folder.js';
import { listRuns, resolveRun } from '../store/run-status.js';

interface LockStage {
  readonly name: string;
  readonly key: string;
  readonly cached: boolean;
  readonly seconds: number;
  readonly fingerprint: FingerprintRecord;
}

export interface StageExplanation {
  readonly stage: string;
  readonly key: string;
  readonly cached: boolean;
  readonly seconds: number;
  /** 'same' when the key matches the other run's; otherwise the differing parts of the record. */
  readonly status: 'same' | 'changed' | 'new';
  readonly differences: readonly string[];
}

export interface Explanation {
  readonly run: string;
  readonly against: string | null;
  readonly stages: readonly StageExplanation[];
}

export async function explainRun(runsDir: string, ref: string, againstRef?: string): Promise<Explanation> {
  const run = await resolveRun(runsDir, ref);
  let against = againstRef ? await resolveRun(runsDir, againstRef) : null;
  if (!against) {
    const earlier = (await listRuns(runsDir)).filter((r) => r.name === run.name && r.id < run.id && r.status !== 'incomplete' && r.status !== 'running');
    against = earlier.at(-1) ?? null;
  }
  const stagesOf = async (dir: string) => ((await readLockOrNull(dir))?.stages ?? []) as readonly LockStage[];
  const mine = await stagesOf(run.dir);
  const theirs = against ? await stagesOf(against.dir) : [];
  return {
    run: run.id,
    against: against?.id ?? null,
    stages: mine.map((s) => {
      const other = theirs.find((t) => t.name === s.name);
      const status = !other ? 'new' : other.key === s.key ? 'same' : 'changed';
      const differences = other && other.key !== s.key ? explainDifference(other.fingerprint, s.fingerprint) : [];
      return { stage: s.name, key: s.key, cached: s.cached, seconds: s.seconds, status, differences };
    }),
  };
}
