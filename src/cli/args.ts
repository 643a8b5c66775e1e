/** Shared option parsing for commands (node's util.parseArgs, strict: unknown options are usage errors). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

export function parse<O extends Options>(argv: readonly string[], options: O, opts: { positionals?: [number, number] } = {}): Parsed<O> {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/, ''));
  }
  const [min, max] = opts.positionals ?? [0, Infinity];
  if (parsed.positionals.length < min) throw new UsageError(`expected at least ${min} argument${min === 1 ? '' : 's'} (see --help)`);
  if (parsed.positionals.length > max) throw new UsageError(`unexpected argument "${parsed.positionals[max]}" (see --help)`);
  return parsed;
}

/** Options common to commands that read or write runs. */
export const RUN_DIR_OPTIONS = {
  'runs-dir': { type: 'string' },
  'cache-dir': { type: 'string' },
} as const satisfies Options;

export const RUN_DIR_HELP = `  --runs-dir DIR     folder of run folders (default: ./runs)
  --cache-dir DIR    stage cache (default: $ASSAY_CACHE_DIR or <runs-dir>/.cache)`;
