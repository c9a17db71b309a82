import { createServer, connect, type Server, type Socket } from 'node:net';
import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir } from './temp.js';

/**
 * Debian's chromium, headless, with a new empty profile (removed with the test file's temp dirs).
 * Never a downloaded browser. The flags keep Chromium off the network: this machine's network is
 * closed, and the tests touch nothing beyond 127.0.0.1.
 */
export function launchChromium(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(tempDir('transcribe-chromium-'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 900, height: 640 },
  });
}

/**
 * A TCP proxy in front of a server on 127.0.0.1, to cut a browser's connections: `drop(ms)` destroys
 * every open connection and refuses new ones for `ms`. `exchanges` holds, per connection, the first
 * bytes of the request (to see the Last-Event-ID a reconnecting browser sent) and the first 64 kB of the answer.
 */
export interface CuttingProxy {
  port: number;
  exchanges: { request: string; response: string }[];
  drop(ms: number): void;
  close(): Promise<void>;
}

export async function cuttingProxy(targetPort: number): Promise<CuttingProxy> {
  const sockets = new Set<Socket>();
  const exchanges: { request: string; response: string }[] = [];
  let refuseUntil = 0;
  const server: Server = createServer((client) => {
    if (Date.now() < refuseUntil) return client.destroy();
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    const exchange = { request: '', response: '' };
    exchanges.push(exchange);
    client.once('data', (chunk: Buffer) => (exchange.request = chunk.toString('latin1')));
    upstream.on('data', (chunk: Buffer) => {
      if (exchange.response.length < 65536) exchange.response += chunk.toString('utf8');
    });
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    exchanges,
    drop(ms) {
      refuseUntil = Date.now() + ms;
      for (const socket of sockets) socket.destroy();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
