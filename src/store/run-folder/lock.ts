/**
 * `lock.json`: the resolved pipeline, stage keys, data fingerprint, versions and status of a run.
 * Written last (atomically): a folder whose lock says `finished` is complete; a failed or
 * interrupted run's lock says which stage and why; a folder without one is incomplete.
 *
 * `LockRecord` is what this version writes; `RunLock` is what a reader may find in a lock of any
 * version (every field optional: older locks lack some, failed ones lack the data block).
 */
import path from 'node:path';
import { NotFoundError } from '../../core/errors.js';
import type { BadItem } from '../../core/data.js';
import type { Environment, GitState } from '../environment.js';
import type { FingerprintRecord } from '../fingerprint.js';
import { isFile, readJson, writeJsonAtomic } from './io.js';
import { HOLDOUT_FILE, LOCK_FILE } from './names.js';

/** Version of the lock.json layout. */
export const LOCK_VERSION = 1;

/** One stage of the run as the lock records it. */
export interface LockStage {
  readonly name: string;
  readonly key: string;
  readonly cached: boolean;
  /** Present (false) only when the stage's result was kept for this run alone. */
  readonly stored?: false;
  readonly seconds: number;
  readonly summary: string;
  readonly fingerprint: FingerprintRecord;
}

/** The fields every lock has, finished or not, in the order they are written. */
export interface LockHead {
  readonly lockVersion: number;
  readonly run: string;
  readonly label?: string;
  readonly createdAt: string;
  /** The pipeline file as given on the command line. */
  readonly file: string;
  readonly overrides: readonly string[];
  /** The resolved pipeline (defaults applied). */
  readonly pipeline: unknown;
  readonly stages: readonly LockStage[];
  readonly backend: { readonly name: string; readonly reason: string; readonly versions: Readonly<Record<string, string>> } | null;
  /** Where the trials ran (absent when the search was cached). */
  readonly execution?: { readonly trials?: Readonly<Record<string, unknown>> };
  readonly environment: Environment;
  readonly git: GitState;
}

/** The data a finished run read. */
export interface LockData {
  readonly source: string;
  readonly root: string;
  readonly fingerprint: string;
  readonly items: number;
  readonly classes: readonly string[];
  readonly positive: string | undefined;
  readonly skipped: readonly BadItem[];
  readonly holdout: { readonly count: number; readonly file: string };
}

export interface FinishedLock extends LockHead {
  readonly status: 'finished';
  readonly trialKeys: readonly string[];
  readonly data: LockData;
}

export interface FailedLock extends LockHead {
  readonly status: 'failed' | 'interrupted';
  readonly error: { readonly stage: string | null; readonly message: string };
}

/** What this version writes to lock.json. */
export type LockRecord = FinishedLock | FailedLock;

/** lock.json as read from a run folder of any version: every field may be absent. */
export interface RunLock {
  readonly lockVersion?: number;
  readonly run?: string;
  /** The run's own name (`assay run --name`). */
  readonly label?: string;
  readonly createdAt?: string;
  readonly finishedAt?: string;
  readonly file?: string;
  readonly overrides?: readonly string[];
  readonly pipeline?: unknown;
  readonly stages?: readonly {
    readonly name: string; readonly key: string; readonly cached?: boolean; readonly stored?: boolean;
    readonly seconds?: number; readonly summary?: string; readonly fingerprint?: unknown;
  }[];
  readonly backend?: { readonly name?: string; readonly reason?: string; readonly versions?: Readonly<Record<string, string>> } | null;
  readonly execution?: unknown;
  readonly environment?: {
    readonly assay?: string; readonly node?: string; readonly platform?: string; readonly arch?: string;
    readonly cpuModel?: string; readonly packages?: Readonly<Record<string, string | null>>;
  };
  readonly git?: { readonly commit?: string | null; readonly dirty?: boolean | null; readonly pipelinePath?: string | null };
  readonly status?: 'finished' | 'failed' | 'interrupted';
  /** Failed and interrupted runs: the stage and why (locks from before `interrupted` have a signal message). */
  readonly error?: { readonly stage?: string | null; readonly message?: string; readonly signal?: string };
  readonly trialKeys?: readonly string[];
  readonly data?: {
    readonly source?: string; readonly root?: string; readonly fingerprint?: string; readonly items?: number;
    readonly classes?: readonly string[]; readonly positive?: string; readonly skipped?: readonly unknown[];
    readonly holdout?: { readonly count?: number; readonly file?: string };
  };
}

/** The `data.holdout` block of a finished lock: how many hold-out ids, and the file that lists them. */
export function lockHoldout(count: number): LockData['holdout'] {
  return { count, file: HOLDOUT_FILE };
}

/** Write lock.json (indented, final line break). Call it last: it marks the folder complete. */
export async function writeLock(dir: string, lock: LockRecord): Promise<void> {
  await writeJsonAtomic(path.join(dir, LOCK_FILE), lock);
}

/** Whether the folder has a lock.json file (whatever it says): how a path is told to be a run folder. */
export async function hasLock(dir: string): Promise<boolean> {
  return isFile(path.join(dir, LOCK_FILE));
}

/** lock.json, or null when it is missing or unreadable. */
export async function readLockOrNull(dir: string): Promise<RunLock | null> {
  return readJson<RunLock>(path.join(dir, LOCK_FILE));
}

/** Read `lock.json`; throws NotFoundError when the folder has none (not a run folder). */
export async function readLock(dir: string): Promise<RunLock> {
  const lock = await readLockOrNull(dir);
  if (!lock) throw new NotFoundError(`${dir} is not a run folder (no readable ${LOCK_FILE})`);
  return lock;
}
