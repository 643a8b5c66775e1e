/**
 * The hand-written peer of the seed protocol (`../shared/peers/torch_seed.py`: PyTorch + Optuna),
 * run on the hold-out photos of an assay run (`--holdout RUN/predictions.csv`), so both systems
 * are scored on exactly the same photos that neither trained, tuned nor selected on.
 */
import { existsSync } from 'node:fs';
import { execa } from 'execa';

/** Debian's interpreter: the one with python3-torch and python3-optuna. */
export const PEER_PYTHON = '/usr/bin/python3';

/** What the peer prints for one scored set. */
export interface PeerScore {
  readonly f1: number;
  readonly mcc: number;
  readonly fnr: number;
  readonly tp: number;
  readonly fn: number;
  readonly fp: number;
  readonly tn: number;
  /** Seconds from the script's start to the chosen model (loading, search, training). */
  readonly trainSeconds: number;
  readonly trials: number;
  readonly valF1: number;
}

/**
 * Parse the peer's `holdout: f1=... mcc=... fnr=... tp=.. fn=.. fp=.. tn=.. train_s=.. trials=.. val_f1=..`
 * line for the set `name`; null when the output has no such line or a field is missing.
 */
export function parsePeerLine(output: string, name = 'holdout'): PeerScore | null {
  const line = output.split('\n').find((l) => l.startsWith(`${name}:`));
  if (line === undefined) return null;
  const fields = new Map<string, number>();
  for (const m of line.slice(name.length + 1).matchAll(/(\w+)=(-?[\d.]+(?:e-?\d+)?)/g)) fields.set(m[1]!, Number(m[2]));
  const need = ['f1', 'mcc', 'fnr', 'tp', 'fn', 'fp', 'tn', 'train_s', 'trials', 'val_f1'];
  if (need.some((k) => !Number.isFinite(fields.get(k)))) return null;
  const g = (k: string) => fields.get(k)!;
  return { f1: g('f1'), mcc: g('mcc'), fnr: g('fnr'), tp: g('tp'), fn: g('fn'), fp: g('fp'), tn: g('tn'), trainSeconds: g('train_s'), trials: g('trials'), valF1: g('val_f1') };
}

/** Why the peer cannot run here (no script, no Debian python, torch or optuna missing), or null. */
export async function peerUnavailable(script: string): Promise<string | null> {
  if (!existsSync(script)) return `no peer script at ${script}`;
  if (!existsSync(PEER_PYTHON)) return `no ${PEER_PYTHON}`;
  const r = await execa(PEER_PYTHON, ['-c', 'import torch, optuna, PIL, numpy'], { reject: false });
  return r.exitCode === 0 ? null : `${PEER_PYTHON} lacks torch, optuna, PIL or numpy (apt install python3-torch python3-optuna python3-pil)`;
}

export interface PeerOptions {
  readonly script: string;
  readonly data: string;
  /** An assay run's predictions.csv: the peer holds out exactly those photos. */
  readonly holdoutCsv: string;
  readonly budgetSeconds: number;
  readonly seed: number;
  readonly threads: number;
}

/** Run the peer's Optuna search and return its hold-out score and wall seconds; throws when it fails. */
export async function runPeer(o: PeerOptions): Promise<PeerScore & { readonly wallSeconds: number }> {
  const started = performance.now();
  const args = [o.script, o.data, '--holdout', o.holdoutCsv, '--search', '--budget', String(o.budgetSeconds), '--seed', String(o.seed), '--threads', String(o.threads)];
  const r = await execa(PEER_PYTHON, args, { reject: false, all: true });
  const score = parsePeerLine(r.all ?? '');
  if (r.exitCode !== 0 || score === null) throw new Error(`the peer failed (exit ${r.exitCode}): ${(r.all ?? '').split('\n').slice(-5).join(' | ')}`);
  return { ...score, wallSeconds: (performance.now() - started) / 1000 };
}
