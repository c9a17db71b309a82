// Rewrites the options table in README.md from the built options table: npm run docs
import { readFileSync, writeFileSync } from 'node:fs';
import { optionsMarkdown } from '../dist/settings/options-doc.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const updated = readme.replace(/(<!-- options:start -->\n)[\s\S]*?(\n<!-- options:end -->)/, `$1${optionsMarkdown()}$2`);
writeFileSync(new URL('../README.md', import.meta.url), updated);
