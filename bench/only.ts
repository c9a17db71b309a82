// Quick iteration: runs only the measures named on the command line (live, memory).
import { formatTable, type Row } from './lib.js';
import { benchLiveCpu } from './live-cpu.js';
import { benchMemory } from './memory.js';

const wanted = process.argv.slice(2);
const rows: Row[] = [];
if (wanted.includes('live')) rows.push(...(await benchLiveCpu()));
if (wanted.includes('memory')) rows.push(...(await benchMemory()).rows);
console.log(formatTable(rows));
