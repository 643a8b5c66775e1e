import path from 'node:path';
import { writeMixedSet, writeSyntheticFolder } from '../../index.js';
import { parse } from '../args.js';
import type { Command } from './index.js';
import { UsageError } from '../../core/errors.js';

export const synthCommand: Command = {
  name: 'synth',
  summary: 'write the embedded synthetic crack set as an image folder, or the mixed image + table set',
  help: `Usage: assay synth --out DIR [--crack N] [--no-crack N] [--size PX] [--seed N] [--hard-negatives F]
       assay synth --mixed --out DIR [--count N] [--size PX] [--seed N]

Writes DIR/crack/*.png and DIR/no-crack/*.png from the seeded generator that
\`data.source: synthetic-cracks\` uses (defaults: 24 crack, 24 no-crack, 96 px (16..512), seed 0, 0.3).

--mixed writes DIR/images/*.png and DIR/mixed.csv (file,reading,site,label) instead: gray
surfaces, half with a dark crack-like line; an item is \`defect\` exactly when its image has the
line and its reading is above 5 (defaults: 400 items, 24 px, seed 0). It is the data of
pipelines/mixed-example.yaml (\`assay synth --mixed --out data/mixed\`).
`,
  async run(argv) {
    const { values } = parse(argv, {
      out: { type: 'string' }, mixed: { type: 'boolean' }, count: { type: 'string' }, crack: { type: 'string' }, 'no-crack': { type: 'string' }, size: { type: 'string' }, seed: { type: 'string' }, 'hard-negatives': { type: 'string' },
    }, { positionals: [0, 0] });
    if (!values.out) throw new UsageError('--out DIR is required');
    const int = (name: string, v: string | undefined, d: number) => {
      if (v === undefined) return d;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, got "${v}"`);
      return n;
    };
    if (values.mixed) {
      const size = int('size', values.size, 24);
      if (size < 8 || size > 512) throw new UsageError(`--size must be between 8 and 512, got "${values.size}"`);
      const r = await writeMixedSet(values.out, { count: int('count', values.count, 400), size, seed: int('seed', values.seed, 0) });
      process.stdout.write(`wrote ${r.files} images and ${path.join(values.out, 'mixed.csv')} (${r.defects} defect) to ${values.out}\n`);
      return 0;
    }
    const hard = values['hard-negatives'] === undefined ? 0.3 : Number(values['hard-negatives']);
    if (!(hard >= 0 && hard <= 1)) throw new UsageError(`--hard-negatives must be between 0 and 1, got "${values['hard-negatives']}"`);
    // NOTE: the bounds of data.size for source: synthetic-cracks.
    const size = int('size', values.size, 96);
    if (size < 16 || size > 512) throw new UsageError(`--size must be between 16 and 512, got "${values.size}"`);
    const result = await writeSyntheticFolder(values.out, {
      counts: { crack: int('crack', values.crack, 24), 'no-crack': int('no-crack', values['no-crack'], 24) },
      size, seed: int('seed', values.seed, 0), hardNegatives: hard,
    });
    process.stdout.write(`wrote ${result.files} images to ${values.out}\n`);
    return 0;
  },
};
