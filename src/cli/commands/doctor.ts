import { doctor } from '../../index.js';
import { parse } from '../args.js';
import type { Command } from './index.js';

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'say which tensor backend would be used, and why',
  help: `Usage: assay doctor [--json]

Probes the tensor backends in the order \`backend: auto\` tries them: tensorflow-gpu
(@tensorflow/tfjs-node-gpu), tensorflow (@tensorflow/tfjs-node), wasm (default), cpu.

Options:
  --json             print the probe as one JSON object {chosen, candidates} on stdout
`,
  async run(argv) {
    const { values } = parse(argv, { json: { type: 'boolean' } }, { positionals: [0, 0] });
    const d = await doctor();
    if (values.json) {
      process.stdout.write(`${JSON.stringify(d, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(`backend: ${d.chosen.name}\n  ${d.chosen.reason}\n`);
    for (const c of d.candidates) process.stdout.write(`  ${c.available ? 'yes' : 'no '} ${c.name.padEnd(15)} ${c.detail}\n`);
    for (const [p, v] of Object.entries(d.chosen.versions)) process.stdout.write(`  ${p} ${v}\n`);
    return 0;
  },
};
