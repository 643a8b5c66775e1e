/**
 * The app's HTML shell and where its built assets live. The front end (ui/) is built by Vite into
 * `dist/ui-app/` (app.js, app.css) by `npm run build`, which `npm install` runs through `prepare`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NotFoundError } from '../core/errors.js';

/** The built front end's folder: $ASSAY_UI_ASSETS, else dist/ui-app next to this module's package. */
export function assetsDir(): string {
  const env = process.env.ASSAY_UI_ASSETS;
  const candidates = env ? [env] : [
    fileURLToPath(new URL('../ui-app', import.meta.url)), // dist/ui/page.js -> dist/ui-app
    fileURLToPath(new URL('../../dist/ui-app', import.meta.url)), // src/ui/page.ts -> dist/ui-app
  ];
  const found = candidates.find((d) => existsSync(`${d}/app.js`));
  if (!found) throw new NotFoundError(`the UI's built assets are missing (looked in ${candidates.join(', ')}): run \`npm run build\``);
  return found;
}

/** Content-Security-Policy of the app's pages: scripts, styles and data from this origin only. */
export const APP_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Content-Security-Policy of files served from run folders: no scripts at all, framable by the app only. */
export const FILE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox allow-same-origin";

/** The HTML shell. `mode: static` pages load their data from `data/*.js` next to them. */
export function appPage(opts: { mode: 'server' | 'static'; prefix: string }): string {
  const p = opts.prefix;
  const meta = opts.mode === 'static'
    ? `<meta http-equiv="Content-Security-Policy" content="${APP_CSP.replace("connect-src 'self'", "connect-src 'none'")}">`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">${meta}<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="assay-mode" content="${opts.mode}"><title>assay</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="${p}assets/app.css">
${opts.mode === 'static' ? `<script src="${p}data/runs.js"></script>\n` : ''}<script src="${p}assets/app.js" defer></script>
</head><body><div id="app"><p class="loading">loading…</p></div></body></html>
`;
}
