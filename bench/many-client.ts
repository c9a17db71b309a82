// The baseline of `npm run bench -- many`: the least a client can do for a folder of files. It
// POSTs one WAV `count` times with exactly `jobs` requests in flight over kept-alive connections,
// reads and parses each answer, and writes nothing: what the local server allows on this machine
// right now, the CLI's work per file excluded. Prints {"seconds": s, "failed": n} on stdout.
//   node many-client.js <server url> <key> <wav> <count> <jobs>
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';

const [url, key, wav, count, jobs] = process.argv.slice(2) as [string, string, string, string, string];
const body = readFileSync(wav);
const total = Number(count);
let started = 0;
let failed = 0;

const post = (): Promise<void> =>
  new Promise((resolve, reject) => {
    const headers = { Authorization: `Token ${key}`, 'Content-Type': 'audio/*', 'Content-Length': body.length };
    const sent = request(`${url}/v1/listen?model=nova-3&smart_format=true`, { method: 'POST', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        if (response.statusCode === 200) JSON.parse(Buffer.concat(chunks).toString('utf8'));
        else failed += 1;
        resolve();
      });
    });
    sent.on('error', reject);
    sent.end(body);
  });

const worker = async (): Promise<void> => {
  while (started < total) {
    started += 1;
    await post();
  }
};
const begun = performance.now();
await Promise.all(Array.from({ length: Number(jobs) }, worker));
process.stdout.write(JSON.stringify({ seconds: (performance.now() - begun) / 1000, failed }) + '\n');
