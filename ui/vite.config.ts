/**
 * Builds the `assay ui` front end into dist/ui-app/ as one classic script (app.js) and one
 * stylesheet (app.css): a classic script also runs from file:// (the static export), where
 * module scripts are refused. Nothing is fetched at run time.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  logLevel: 'warn',
  build: {
    outDir: process.env.ASSAY_UI_OUT ?? here('../dist/ui-app'),
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    lib: { entry: here('src/main.ts'), formats: ['iife'], name: 'assayUi', fileName: () => 'app.js', cssFileName: 'app' },
  },
});
