import { execa } from 'execa';
import { UsageError, exportUiSite, startUiServer } from '../../index.js';
import { parse } from '../args.js';
import type { Command } from './index.js';

export const uiCommand: Command = {
  name: 'ui',
  summary: 'browse, compare and watch runs in a browser (or --export a static site)',
  help: `Usage: assay ui [--port 4173] [--runs-dir DIR] [--open] [--host ADDR]
       assay ui --export DIR [--runs-dir DIR]

Serves a web app over the runs folder on 127.0.0.1 and prints its URL: the runs table (sort,
filter, group, select to compare), comparisons with assay diff's numbers and overlaid curves,
each pipeline's history, a run's trials, report and error gallery, and runs in progress, live.
It reads the run folders as they are on disk and notices new runs. Only files inside run
folders are served.

Options:
  --port N           port to listen on (default 4173; 0 picks a free one)
  --runs-dir DIR     folder of run folders (default: ./runs)
  --open             open the URL in the default browser
  --host ADDR        listen on another address; every request then needs the token printed
                     at start (in the URL once, then a cookie)
  --export DIR       write the same views as a static site into DIR (works from file://;
                     live updates need the server)
`,
  async run(argv) {
    const { values } = parse(argv, {
      port: { type: 'string' }, 'runs-dir': { type: 'string' }, open: { type: 'boolean' }, host: { type: 'string' }, export: { type: 'string' },
    }, { positionals: [0, 0] });
    const runsDir = values['runs-dir'] ?? 'runs';
    if (values.export !== undefined) {
      if (values.port !== undefined || values.host !== undefined || values.open) throw new UsageError('--export writes files; it takes no --port, --host or --open');
      const r = await exportUiSite(runsDir, values.export);
      process.stdout.write(`exported ${r.runs} run${r.runs === 1 ? '' : 's'} (${r.comparisons} comparisons) to ${r.dir}/index.html\n`);
      return 0;
    }
    const port = values.port === undefined ? 4173 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0..65535, got "${values.port}"`);
    const ui = await startUiServer({ runsDir, port, host: values.host ?? '127.0.0.1' }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use (try --port 0 for a free one)`);
      if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') throw new UsageError(`cannot listen on ${values.host}: ${err.message}`);
      throw err;
    });
    process.stdout.write(`assay ui: ${ui.url}\n`);
    if (ui.token) process.stdout.write('(listening beyond loopback: the token in this URL is required; keep it private)\n');
    if (values.open) {
      const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
      execa(opener, [ui.url], { reject: false, stdio: 'ignore', detached: true }).unref();
    }
    await new Promise<void>((resolve) => {
      const stop = () => void ui.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
