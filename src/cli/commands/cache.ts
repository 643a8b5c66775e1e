import path from 'node:path';
import { cacheGc, cacheStatus, defaultCacheDir, parseDuration, UsageError } from '../../index.js';
import { parse, RUN_DIR_HELP, RUN_DIR_OPTIONS } from '../args.js';
import type { Command } from './index.js';

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

export const cacheCommand: Command = {
  name: 'cache',
  summary: 'show the stage cache (status) or remove entries no run uses (gc)',
  help: `Usage: assay cache status|gc [--dry-run] [--older-than AGE] [--json]

  status   entries and size per stage
  gc       remove the cache entries that no run uses. It only touches a folder marked as an
           assay cache (CACHEDIR.TAG, written when a run creates the cache), only removes
           entries (<stage>/<xx>/<key>/ with a manifest), and keeps every entry a run refers to:
           each run registers its keys inside the cache, so the runs of every repository
           sharing the cache count, as long as their run folders exist.
Options:
  --dry-run          list what gc would remove; remove nothing
  --older-than AGE   remove only entries not used for AGE (e.g. 30d, 12h, 90m)
  --json             machine-readable output
${RUN_DIR_HELP}
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, 'older-than': { type: 'string' }, ...RUN_DIR_OPTIONS }, { positionals: [1, 1] });
    const runsDir = path.resolve(values['runs-dir'] ?? 'runs');
    const cacheDir = values['cache-dir'] ? path.resolve(values['cache-dir']) : defaultCacheDir(runsDir);
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
      return 0;
    }
    throw new UsageError(`unknown cache action "${positionals[0]}": use status or gc`);
  },
};
