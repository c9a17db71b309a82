// Rewrites the options table in README.md from the options table in src/: npm run docs
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';

// The table lives in TypeScript; esbuild turns that one module (and what it imports) into something Node can run.
const bundled = await build({ entryPoints: ['src/settings/options-doc.ts'], bundle: true, platform: 'node', format: 'esm', write: false });
const moduleUrl = `data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`;
const { optionsMarkdown } = await import(moduleUrl);

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const updated = readme.replace(/(<!-- options:start -->\n)[\s\S]*?(\n<!-- options:end -->)/, `$1${optionsMarkdown()}$2`);
writeFileSync(new URL('../README.md', import.meta.url), updated);
