/**
 * `holdout.json`: the content ids of the hold-out items, `{"count":N,"ids":[...]}` on one line.
 * The hold-out ledger and the paired diff read it.
 */
import path from 'node:path';
import { readJson, writeFileAtomic } from './io.js';
import { HOLDOUT_FILE } from './names.js';

export interface HoldoutRecord {
  readonly count: number;
  readonly ids: readonly string[];
}

export async function writeHoldout(dir: string, ids: readonly string[]): Promise<void> {
  const record: HoldoutRecord = { count: ids.length, ids };
  await writeFileAtomic(path.join(dir, HOLDOUT_FILE), `${JSON.stringify(record)}\n`);
}

/** holdout.json as found (any version), or null when it is missing or unreadable. */
export async function readHoldoutRecord(dir: string): Promise<{ readonly count?: unknown; readonly ids?: unknown } | null> {
  return readJson<{ count?: unknown; ids?: unknown }>(path.join(dir, HOLDOUT_FILE));
}

/** The hold-out's content ids from `holdout.json`, or null when the file is missing, unreadable or not a list of strings. */
export async function readHoldoutIds(dir: string): Promise<readonly string[] | null> {
  const h = await readHoldoutRecord(dir);
  return h && Array.isArray(h.ids) && h.ids.every((x) => typeof x === 'string') ? (h.ids as string[]) : null;
}
