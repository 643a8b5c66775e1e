/** Shared option parsing for commands (node's util.parseArgs, strict: unknown options are usage errors). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/errors.js';
import { settablePathsNamed } from '../index.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

export function parse<O extends Options>(argv: readonly string[], options: O, opts: { positionals?: [number, number] } = {}): Parsed<O> {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/, '');
    throw new UsageError(`${message}${unknownOptionHint(message, argv, options)}`);
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

/** --quiet / --verbose for commands that print progress. */
export const VERBOSITY_OPTIONS = {
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
} as const satisfies Options;

export const VERBOSITY_HELP = `  -q, --quiet        print warnings, errors and the result only (no stage or trial lines)
  -v, --verbose      also print detail lines and, when piped, every progress update`;

/** The verbosity the flags ask for; both at once is a usage error. */
export function verbosity(values: { readonly quiet?: boolean; readonly verbose?: boolean }): 'quiet' | 'normal' | 'verbose' {
  if (values.quiet && values.verbose) throw new UsageError('--quiet and --verbose exclude each other');
  return values.quiet ? 'quiet' : values.verbose ? 'verbose' : 'normal';
}

/** Edit distance between two short strings (for "did you mean"). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}

/** The closest of `names` to `name` (prefix or at most a third of its letters off), or null. */
export function closest(name: string, names: readonly string[]): string | null {
  const prefixed = names.find((n) => name.length >= 2 && n.startsWith(name));
  if (prefixed) return prefixed;
  let best: string | null = null;
  let bestD = Infinity;
  for (const n of names) {
    const d = editDistance(name, n);
    if (d < bestD) { bestD = d; best = n; }
  }
  return best !== null && bestD <= Math.max(1, Math.floor(Math.max(name.length, best.length) / 3)) ? best : null;
}

/**
 * For `Unknown option '--trials'`: a pipeline setting of that name becomes `(did you mean
 * --set search.trials=3?)` where the command takes --set; else a close option name.
 */
function unknownOptionHint(message: string, argv: readonly string[], options: Options): string {
  const m = /^Unknown option '--([^'=]+)'/.exec(message);
  if (!m) return '';
  const name = m[1]!;
  const paths = 'set' in options ? settablePathsNamed(name) : [];
  if (paths.length > 0) {
    const at = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    const token = argv[at] ?? '';
    const next = argv[at + 1];
    const value = token.includes('=') ? token.slice(token.indexOf('=') + 1) : next !== undefined && !next.startsWith('-') ? next : 'VALUE';
    return ` (did you mean ${paths.map((p) => `--set ${p}=${value}`).join(' or ')}?)`;
  }
  const option = closest(name, Object.keys(options));
  return option ? ` (did you mean --${option}?)` : '';
}
