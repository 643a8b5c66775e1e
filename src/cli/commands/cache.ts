import path from 'node:path';
import { cacheGc, cacheStatus, defaultCacheDir, UsageError } from '../../index.js';
import { parse, RUN_DIR_HELP, RUN_DIR_OPTIONS } from '../args.js';
import type { Command } from './index.js';

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

export const cacheCommand: Command = {
  name: 'cache',
  summary: 'show the stage cache (status) or remove entries no run uses (gc)',
  help: `Usage: assay cache status|gc [--json]

  status   entries and size per stage
  gc       remove every entry that no run folder's lock.json refers to
Options:
  --json   machine-readable output
${RUN_DIR_HELP}
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' }, ...RUN_DIR_OPTIONS }, { positionals: [1, 1] });
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
      const r = await cacheGc(cacheDir, runsDir);
      if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else process.stdout.write(`removed ${r.removed} entries (${mib(r.bytes)}); kept the ${r.kept} keys that runs refer to\n`);
      return 0;
    }
    throw new UsageError(`unknown cache action "${positionals[0]}": use status or gc`);
  },
};
