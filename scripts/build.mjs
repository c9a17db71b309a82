// npm run build: bundles src/ into dist/ with esbuild (type checking is `npm run typecheck`).
// One bundle with a chunk per lazily imported command, instead of ~60 modules compiled one to one:
// Node resolves and links every ES module separately, and on the start path (--version, config get,
// the first audio frame) that cost more than our code runs.
import { build } from 'esbuild';
import { copyFileSync, cpSync, rmSync } from 'node:fs';

/**
 * commander require()s child_process when it loads, for git-style executable subcommands we never use;
 * child_process pulls in net, dgram and the stream machinery (~2.5 ms of every start). Inside commander
 * the bundle gets a stand-in that loads the real module on first use.
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

const minify = process.env.MINIFY ?? 'none';
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  // The archive writer runs in a worker thread: its own entry, dist/archive-worker.js.
  entryPoints: { index: 'src/index.ts', 'archive-worker': 'src/archive/worker.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minifyWhitespace: minify !== 'none',
  minifySyntax: minify !== 'none',
  minifyIdentifiers: minify === 'all',
  // node-record-lpcm16 require()s its recorder module by path at run time; conf is only loaded to write
  // the config; ws's native add-ons are optional and absent; node-sqlite3-wasm reads its .wasm from
  // beside its own module (an installed dependency, so `npm install -g` brings it).
  external: ['node-record-lpcm16', 'conf', 'bufferutil', 'utf-8-validate', 'node-sqlite3-wasm'],
  // Bundled CommonJS (commander, ws) calls require() for Node's built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  plugins: [lazyChildProcessForCommander],
  logLevel: 'warning',
});
// recorder.ts hands node-record-lpcm16 this file's path, next to the module that refers to it.
copyFileSync(new URL('../src/audio/lpcm16-recorder.cjs', import.meta.url), new URL('../dist/lpcm16-recorder.cjs', import.meta.url));
// --serve reads its pages (plain HTML, CSS and JS, no build step) from next to the bundle's chunks.
cpSync(new URL('../src/serve/pages', import.meta.url), new URL('../dist/pages', import.meta.url), { recursive: true });
