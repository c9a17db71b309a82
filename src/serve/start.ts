import { networkInterfaces } from 'node:os';
import type { Context } from '../context.js';
import type { TranscriptOutput } from '../output/transcript-output.js';
import type { Settings } from '../settings/options.js';
import { newToken } from './access.js';
import { isLoopback, origin } from './address.js';
import { CaptionServer } from './server.js';
import { ServeOutput } from './serve-output.js';

/** After the session ends the server stays this long, so a client that is reconnecting gets the last lines. */
export const LINGER_MS = 3000;

export interface Serving {
  /** The session's reader for the tee. */
  output: TranscriptOutput;
  /** After the session: wait LINGER_MS if `linger` (or, with --serve-keep, until Ctrl+C), then close. */
  finish(options: { linger: boolean }): Promise<void>;
}

/**
 * `--serve`: starts the captions server before any audio flows (a busy port is a usage error, exit 2)
 * and says where it is on stderr. Another interface than loopback gets a warning and a token.
 */
export async function startServing(context: Context, settings: Settings): Promise<Serving | undefined> {
  const address = settings.serve;
  if (!address) return undefined;
  const local = isLoopback(address.host);
  const token = local ? undefined : newToken();
  const server = await CaptionServer.start({ address, ...(token ? { token } : {}) });
  const say = (message: string) => context.stderr.write(message + '\n');
  if (!local) {
    say(
      `transcribe: warning: captions are served on ${address.host}, beyond this machine, over plain http: anyone on the network with the link (it holds the token) can read the transcript`,
    );
  }
  const query = token ? `?token=${token}` : '';
  for (const base of baseUrls(address.host, server.port)) say(`transcribe: captions at ${base}/${query} (overlay: ${base}/overlay${query})`);
  const output = new ServeOutput(
    (line) => server.publish(line),
    settings,
    () => server.ended(),
    say,
  );
  return {
    output,
    async finish({ linger }) {
      server.ended();
      if (settings.serveKeep) {
        say(`transcribe: the session ended; the captions stay at ${server.url} until Ctrl+C`);
        await new Promise<void>((resolve) => {
          const stop = context.onSignal(() => {
            stop();
            resolve();
          });
        });
      } else if (linger) {
        await new Promise<void>((resolve) => {
          const stop = context.onSignal(() => done());
          const timer = setTimeout(() => done(), LINGER_MS);
          function done() {
            clearTimeout(timer);
            stop();
            resolve();
          }
        });
      }
      await server.close();
    },
  };
}

/** The URLs to print: for 0.0.0.0 or :: every address of this machine's interfaces (what another device would type). */
function baseUrls(host: string, port: number): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [origin(host, port)];
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((info) => info !== undefined && (host === '::' || info.family === 'IPv4'))
    .map((info) => info!.address);
  return addresses.length > 0 ? addresses.map((address) => origin(address, port)) : [origin(host, port)];
}
