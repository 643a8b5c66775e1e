/**
 * `assay` command line: argv -> one command -> exit code (0 ok, 1 failed run, 2 invalid pipeline
 * or usage). Each command lives in cli/commands/ and calls one library function.
 */
import { AssayError, InvalidPipelineError, DataError } from '../core/errors.js';
import { formatDiagnostics } from '../core/diagnostics.js';
import { COMMANDS, type Command } from './commands/index.js';
import { assayVersion } from '../store/environment.js';
import { closest } from './args.js';
import { printable } from '../core/printable.js';

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
  const say = (text: string): boolean => process.stderr.write(`${printable(text, { newlines: true })}\n`);
  if (err instanceof DataError) {
    say(`assay: error[${err.code}]${where} ${err.message}`);
    if (err.details.length > 0 && !err.message.includes(err.details[0]!)) for (const d of err.details) say(`  ${d}`);
    return err.exitCode;
  }
  if (err instanceof AssayError) {
    say(`assay: error[${err.code}]${where} ${err.message}`);
    const cause = (err as { cause?: unknown }).cause;
    if (process.env.ASSAY_DEBUG && cause instanceof Error && cause.stack) process.stderr.write(`${cause.stack}\n`);
    return err.exitCode;
  }
  const fs = fileSystemError(err);
  if (fs) {
    say(`assay: error[file.${fs.code}] ${fs.message}`);
    if (process.env.ASSAY_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return fs.exitCode;
  }
  say(`assay: unexpected error: ${err instanceof Error ? (process.env.ASSAY_DEBUG ? err.stack : err.message) : String(err)}`);
  process.stderr.write('(set ASSAY_DEBUG=1 for the stack trace)\n');
  return 1;
}

/** What each path-shaped file-system error says about the path: the user's path is not what the command needs there (exit 2). */
const PATH_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'it does not exist', ENOTDIR: 'a part of it is a file, not a folder', EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied', EPERM: 'operation not permitted', EEXIST: 'it already exists', ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long', EROFS: 'the file system is read-only',
};
const SYSCALL_WORDS: Readonly<Record<string, string>> = {
  open: 'open', mkdir: 'create the folder', rename: 'rename', scandir: 'list the folder', stat: 'read', lstat: 'read', rmdir: 'remove', unlink: 'remove', copyfile: 'copy',
};

/**
 * A file-system error that reached the command line (a path given as --out, --runs-dir or
 * --export that is a file, a folder, unwritable, ...), said as what could not be done to which
 * path rather than as an unexpected error. A path problem exits 2; the machine's trouble (a full
 * disk, an I/O error) exits 1.
 */
function fileSystemError(err: unknown): { code: string; message: string; exitCode: number } | null {
  const e = err as NodeJS.ErrnoException;
  if (!(err instanceof Error) || typeof e.code !== 'string' || typeof e.syscall !== 'string') return null;
  const what = `cannot ${SYSCALL_WORDS[e.syscall] ?? e.syscall} ${typeof e.path === 'string' ? e.path : 'a file'}`;
  const reason = PATH_ERRORS[e.code];
  if (reason) return { code: e.code, message: `${what}: ${reason}`, exitCode: 2 };
  return { code: e.code, message: `${what}: ${e.code === 'ENOSPC' ? 'no space left on the device' : e.message}`, exitCode: 1 };
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
