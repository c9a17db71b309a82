// Runs the local Deepgram-compatible server by hand: `npx tsc -p tsconfig.bench.json && node dist-bench/bench/serve.js "Some words to hear."`
// Prints its URL; the words are spread over the audio timeline from 0.5 s.
import { scriptFromText, startDeepgramServer } from '../test/support/deepgram-server/index.js';

const text = process.argv[2] ?? 'Hello from transcribe. This sample was made with espeak. The quick brown fox jumps.';
const server = await startDeepgramServer({ script: scriptFromText(text, { startAt: 0.5, wordSec: 0.3 }), apiKey: null });
console.log(server.url);
process.on('SIGINT', () => void server.close().finally(() => process.exit(0)));
