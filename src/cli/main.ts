/**
 * `assay` command line: argv -> one command -> exit code (0 ok, 1 failed run, 2 invalid pipeline
 * or usage). Each command lives in cli/commands/ and calls one library function.
 */
import { AssayError, InvalidPipelineError, DataError } from '../core/errors.js';
import { formatDiagnostics } from '../core/diagnostics.js';
import { COMMANDS, type Command } from './commands/index.js';
import { assayVersion } from '../store/environment.js';
import { closest } from './args.js';

const GENERAL_HELP = `assay ${assayVersion()}: declarative experiments for image and tabular classification

Usage: assay <command> [options]

Commands:
${Object.values(COMMANDS).map((c) => `  ${c.name.padEnd(9)} ${c.summary}`).join('\n')}

Run \`assay <command> --help\` for a command's options.
Exit codes: 0 ok, 1 a run failed, 2 invalid pipeline or usage.
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' && rest[0] ? COMMANDS[rest[0]] : undefined;
    process.stdout.write(target ? target.help : GENERAL_HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${assayVersion()}\n`);
    if (rest.includes('--verbose')) return COMMANDS.doctor!.run([]);
    return 0;
  }
  const command: Command | undefined = COMMANDS[name];
  if (!command) {
    process.stderr.write(`assay: unknown command "${name}"${suggest(name)}\n\n${GENERAL_HELP}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    return reportError(err);
  }
}

export function reportError(err: unknown): number {
  if (err instanceof InvalidPipelineError) {
    for (const line of formatDiagnostics(err.diagnostics)) process.stderr.write(`${line}\n`);
    const errors = err.diagnostics.filter((d) => d.severity === 'error');
    // NOTE: data problems are found by reading the data (cached stages may have run); no run folder is written either way.
    const outcome = errors.some((d) => d.code.startsWith('data.')) ? 'no run folder was written' : 'nothing was run';
    process.stderr.write(`${errors.length} problem${errors.length === 1 ? '' : 's'} found; ${outcome}.\n`);
    return 2;
  }
  const stage = (err as { stage?: unknown }).stage;
  const where = typeof stage === 'string' && !(err instanceof InvalidPipelineError) && !/^stage \w+ failed/.test((err as Error).message) ? ` (stage ${stage})` : '';
  if (err instanceof DataError) {
    process.stderr.write(`assay: error[${err.code}]${where} ${err.message}\n`);
    if (err.details.length > 0 && !err.message.includes(err.details[0]!)) for (const d of err.details) process.stderr.write(`  ${d}\n`);
    return err.exitCode;
  }
  if (err instanceof AssayError) {
    process.stderr.write(`assay: error[${err.code}]${where} ${err.message}\n`);
    const cause = (err as { cause?: unknown }).cause;
    if (process.env.ASSAY_DEBUG && cause instanceof Error && cause.stack) process.stderr.write(`${cause.stack}\n`);
    return err.exitCode;
  }
  process.stderr.write(`assay: unexpected error: ${err instanceof Error ? (process.env.ASSAY_DEBUG ? err.stack : err.message) : String(err)}\n`);
  process.stderr.write('(set ASSAY_DEBUG=1 for the stack trace)\n');
  return 1;
}

function suggest(name: string): string {
  const close = closest(name, Object.keys(COMMANDS));
  return close ? ` (did you mean "${close}"?)` : '';
}

/**
 * A reader that stops early (`assay runs | head -1`) closes the pipe; the next write fails with
 * EPIPE. Stop quietly then, as a well-behaved filter does, rather than crash with a stack trace.
 */
export function closeQuietlyOnBrokenPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      process.exit(err.code === 'EPIPE' ? (typeof process.exitCode === 'number' ? process.exitCode : 0) : 1);
    });
  }
}

closeQuietlyOnBrokenPipe();
const code = await main(process.argv.slice(2));
process.exitCode = code;
