// Preloaded into a CLI under test (NODE_OPTIONS=--import ...): when the process exits, its peak
// resident set size in kB (getrusage: every thread's, the archive worker's too) is written to
// the file named by MAX_RSS_FILE.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.MAX_RSS_FILE;
if (isMainThread && file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
