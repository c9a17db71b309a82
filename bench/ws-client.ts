// Baseline for bench/first-frame.ts: the least a Node client does to get audio to Deepgram live.
// Connects to the URL given (same server, same query as the CLI), sends one 50 ms frame of
// 16 kHz mono 16-bit silence, asks the server to close, and exits once it has.
// Usage: node dist-bench/bench/ws-client.js <ws url> [api key]
import WebSocket from 'ws';

const [url, apiKey] = process.argv.slice(2);
if (!url) {
  console.error('usage: ws-client <ws url> [api key]');
  process.exit(2);
}
const headers: Record<string, string> = apiKey ? { Authorization: `Token ${apiKey}` } : {};
const socket = new WebSocket(url, { headers, perMessageDeflate: false });
socket.on('open', () => {
  socket.send(Buffer.alloc(1600), { binary: true }); // 50 ms = 800 samples x 2 bytes
  socket.send(JSON.stringify({ type: 'CloseStream' }));
});
socket.on('close', () => process.exit(0));
socket.on('error', (error) => {
  console.error(`ws-client: ${error.message}`);
  process.exit(1);
});
