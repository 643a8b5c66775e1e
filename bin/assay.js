#!/usr/bin/env node
// Entry point for the `assay` command: the compiled CLI lives in dist/ (built by `npm install`).
import('../dist/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    console.error('assay: the CLI is not built yet; run `npm install` (or `npm run build`) in the assay folder first.');
    process.exit(2);
  }
  throw err;
});
