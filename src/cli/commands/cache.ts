import path from 'node:path';
import { cacheFolderProblem, cacheGc, cacheStatus, defaultCacheDir, parseDuration, pullRuns, pushRuns, UsageError } from '../../index.js';
import { parse, RUN_DIR_HELP, RUN_DIR_OPTIONS } from '../args.js';
import type { Command } from './index.js';

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

export const cacheCommand: Command = {
  name: 'cache',
  summary: 'show the stage cache (status), remove entries no run uses (gc), share runs (push/pull)',
  help: `Usage: assay cache status|gc [--dry-run] [--older-than AGE] [--json]
       assay cache push [RUN...] [--store URL]
       assay cache pull RUN... [--store URL]

  status   entries and size per stage (a cache folder not created yet is empty). A cache
           folder that is a file or cannot be read is refused (exit 2)
  gc       remove the cache entries that no run uses. It only touches a folder marked as an
           assay cache (CACHEDIR.TAG, written when a run creates the cache), only removes
           entries (<stage>/<xx>/<key>/ with a manifest), and keeps every entry a run refers to:
           each run registers its keys inside the cache, so the runs of every repository
           sharing the cache count, as long as their run folders exist. It also removes
           the data fingerprint records (fingerprints/) that no file still matches (their
           data folder is gone or every file changed), once they are a day old
  push     copy finished runs' folders (model, predictions, gallery, reports, lock) to the
           artifact store, by content hash (default RUN: latest)
  pull     copy runs from the store into runs/<name>/<run-id>/, every file verified; a local
           file that differs is left alone and reported. Then predict, diff and
           rerun --check work on a run made elsewhere
Options:
  --dry-run          list what gc would remove; remove nothing
  --older-than AGE   remove only entries and fingerprint records not used for AGE (e.g. 30d, 12h, 90m)
  --json             machine-readable output
  --store URL        artifact store for push/pull: file:///shared/dir or s3://bucket/prefix
                     (default $ASSAY_STORE; S3 settings from the standard AWS_* variables)
${RUN_DIR_HELP}
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, 'older-than': { type: 'string' }, store: { type: 'string' }, ...RUN_DIR_OPTIONS }, { positionals: [1, Infinity] });
    if (positionals[0] === 'push' || positionals[0] === 'pull') return syncRuns(positionals[0], positionals.slice(1), values);
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}" (see --help)`);
    const runsDir = path.resolve(values['runs-dir'] ?? 'runs');
    const cacheDir = values['cache-dir'] ? path.resolve(values['cache-dir']) : defaultCacheDir(runsDir);
    const problem = await cacheFolderProblem(cacheDir);
    if (problem) {
      const at = values['cache-dir'] ? `--cache-dir ${values['cache-dir']}` : process.env.ASSAY_CACHE_DIR ? `ASSAY_CACHE_DIR=${process.env.ASSAY_CACHE_DIR}` : `--runs-dir ${values['runs-dir'] ?? 'runs'}`;
      throw new UsageError(`${at}: ${problem}`);
    }
    if (positionals[0] === 'status') {
      const s = await cacheStatus(cacheDir);
      if (values.json) process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
      else {
        process.stdout.write(`cache ${s.root}: ${s.entries} entries, ${mib(s.bytes)}\n`);
        for (const st of s.stages) process.stdout.write(`  ${st.stage.padEnd(10)} ${String(st.entries).padStart(5)} entries  ${mib(st.bytes).padStart(10)}\n`);
      }
      return 0;
    }
    if (positionals[0] === 'gc') {
      let olderThanMs: number | undefined;
      if (values['older-than'] !== undefined) {
        const ms = parseDuration(values['older-than']);
        if (ms === null) throw new UsageError(`--older-than "${values['older-than']}": expected a number and a unit, e.g. 30d, 12h, 90m, 45s`);
        olderThanMs = ms;
      }
      const r = await cacheGc(cacheDir, runsDir, { dryRun: values['dry-run'] ?? false, olderThanMs });
      if (values.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return 0;
      }
      const verb = r.dryRun ? 'would remove' : 'removed';
      if (r.dryRun) for (const e of r.removed) process.stdout.write(`${e.stage}/${e.key.slice(0, 12)}  ${mib(e.bytes)}\n`);
      process.stdout.write(`${verb} ${r.removed.length} entries (${mib(r.bytes)}) from ${r.root}; kept ${r.kept} that runs use (${r.liveRuns} runs registered)`);
      if (r.recent) process.stdout.write(`, ${r.recent} used within ${values['older-than']}`);
      process.stdout.write('\n');
      if (r.staleRefs) process.stdout.write(`${r.dryRun ? 'would drop' : 'dropped'} ${r.staleRefs} references of runs whose folders are gone\n`);
      if (r.tmp) process.stdout.write(`${verb} ${r.tmp} temporary folders over a day old\n`);
      const fp = r.fingerprints;
      if (r.dryRun) for (const f of fp.removed) process.stdout.write(`fingerprints/${f.file}  ${mib(f.bytes)}  ${f.root ?? '(folder not recorded)'}\n`);
      if (fp.removed.length > 0 || fp.kept > 0) process.stdout.write(`${verb} ${fp.removed.length} data fingerprint records (${mib(fp.bytes)}) that describe no file still there; kept ${fp.kept}\n`);
      if (fp.tmp) process.stdout.write(`${verb} ${fp.tmp} temporary fingerprint files over a day old\n`);
      return 0;
    }
    throw new UsageError(`unknown cache action "${positionals[0]}": use status, gc, push or pull`);
  },
};

async function syncRuns(action: 'push' | 'pull', refs: string[], values: { json?: boolean; store?: string; 'runs-dir'?: string }): Promise<number> {
  const store = values.store ?? process.env.ASSAY_STORE;
  if (!store) throw new UsageError(`cache ${action} needs --store URL (or ASSAY_STORE)`);
  if (action === 'pull' && refs.length === 0) throw new UsageError('cache pull needs at least one RUN');
  const runsDir = path.resolve(values['runs-dir'] ?? 'runs');
  const done = await (action === 'push' ? pushRuns : pullRuns)({ runsDir, refs: refs.length > 0 ? refs : ['latest'], store });
  if (values.json) process.stdout.write(`${JSON.stringify(done)}\n`);
  else for (const r of done) process.stdout.write(`${action === 'push' ? 'pushed' : 'pulled'} ${r.run}: ${r.files} files, ${mib(r.bytes)} (${r.moved} ${action === 'push' ? 'new in the store' : 'written here'})  ${path.relative(process.cwd(), r.dir) || '.'}\n`);
  return 0;
}
