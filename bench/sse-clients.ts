// For measure 10 (bench/serve-latency.ts), in its own process so the clients do not share the
// bench's event loop: `node sse-clients.js PORT COUNT` opens COUNT /events streams, and when every
// one has seen the `close` event prints, as JSON, each client's `final` arrival times (ms since
// the epoch, performance.timeOrigin + performance.now(): comparable across processes).
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';

const [port, count] = process.argv.slice(2).map(Number) as [number, number];
const arrivals: number[][] = [];
let closed = 0;
for (let i = 0; i < count; i++) {
  const times: number[] = [];
  arrivals.push(times);
  let tail = '';
  const req = request({ host: '127.0.0.1', port, path: '/events' }, (response) => {
    response.setEncoding('utf8').on('data', (chunk: string) => {
      const at = performance.timeOrigin + performance.now();
      const text = tail + chunk;
      for (let j = text.indexOf('data: {"type":"final"'); j >= 0; j = text.indexOf('data: {"type":"final"', j + 1)) times.push(at);
      if (text.includes('data: {"type":"close"') && ++closed === count) {
        process.stdout.write(JSON.stringify(arrivals), () => process.exit(0));
      }
      tail = text.slice(-40); // a marker cut between two chunks
      if (tail.includes('data: {"type":"final"')) tail = tail.slice(tail.lastIndexOf('data: {"type":"final"') + 1);
    });
  });
  req.on('error', (error) => {
    process.stderr.write(`client ${i}: ${error.message}\n`);
    process.exit(1);
  });
  req.end();
}
process.stderr.write(`sse-clients: ${count} connecting\n`);
