import { writeSyntheticFolder } from '../../index.js';
import { parse } from '../args.js';
import type { Command } from './index.js';
import { UsageError } from '../../core/errors.js';

export const synthCommand: Command = {
  name: 'synth',
  summary: 'write the embedded synthetic crack set as an image folder to inspect',
  help: `Usage: assay synth --out DIR [--crack N] [--no-crack N] [--size PX] [--seed N] [--hard-negatives F]

Writes DIR/crack/*.png and DIR/no-crack/*.png from the seeded generator that
\`data.source: synthetic-cracks\` uses (defaults: 24 crack, 24 no-crack, 96 px, seed 0, 0.3).
`,
  async run(argv) {
    const { values } = parse(argv, {
      out: { type: 'string' }, crack: { type: 'string' }, 'no-crack': { type: 'string' }, size: { type: 'string' }, seed: { type: 'string' }, 'hard-negatives': { type: 'string' },
    }, { positionals: [0, 0] });
    if (!values.out) throw new UsageError('--out DIR is required');
    const int = (name: string, v: string | undefined, d: number) => {
      if (v === undefined) return d;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, got "${v}"`);
      return n;
    };
    const hard = values['hard-negatives'] === undefined ? 0.3 : Number(values['hard-negatives']);
    if (!(hard >= 0 && hard <= 1)) throw new UsageError(`--hard-negatives must be between 0 and 1, got "${values['hard-negatives']}"`);
    const result = await writeSyntheticFolder(values.out, {
      counts: { crack: int('crack', values.crack, 24), 'no-crack': int('no-crack', values['no-crack'], 24) },
      size: int('size', values.size, 96), seed: int('seed', values.seed, 0), hardNegatives: hard,
    });
    process.stdout.write(`wrote ${result.files} images to ${values.out}\n`);
    return 0;
  },
};
