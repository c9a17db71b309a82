// For measure 11 (bench/serve-latency.ts), in its own process so the clients do not share the
// bench's event loop: `node sse-clients.js PORT COUNT` opens COUNT /events streams, and when every
// one has seen the `close` event prints, as JSON, each client's `final` arrival times in ms of the
// system's monotonic clock (process.hrtime: CLOCK_MONOTONIC, the same in every process).
// Plain TCP sockets, not http.request: a client here does as little as a browser's network thread
// would (read, find the marker), so what is measured is the server, not 200 HTTP parsers.
import { connect } from 'node:net';

const [port, count] = process.argv.slice(2).map(Number) as [number, number];
const MARK = 'data: {"type":"final"';
const now = () => Number(process.hrtime.bigint()) / 1e6;
const arrivals: number[][] = [];
let closed = 0;
for (let i = 0; i < count; i++) {
  const times: number[] = [];
  arrivals.push(times);
  let tail = '';
  const socket = connect(port, '127.0.0.1', () => socket.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    const at = now();
    const text = tail + chunk;
    for (let j = text.indexOf(MARK); j >= 0; j = text.indexOf(MARK, j + 1)) times.push(at);
    if (text.includes('data: {"type":"close"') && ++closed === count) {
      process.stdout.write(JSON.stringify(arrivals), () => process.exit(0));
    }
    tail = text.slice(-40); // a marker cut between two chunks
    if (tail.includes(MARK)) tail = tail.slice(tail.lastIndexOf(MARK) + 1);
  });
  socket.on('error', (error) => {
    process.stderr.write(`client ${i}: ${error.message}\n`);
    process.exit(1);
  });
}
process.stderr.write(`sse-clients: ${count} connecting\n`);
