// No node:net here: the options table (loaded for --help and --version) parses --serve.
/** Where `--serve` listens. */
export interface ServeAddress {
  host: string;
  port: number;
}

export const DEFAULT_SERVE_ADDRESS: ServeAddress = { host: '127.0.0.1', port: 7123 };

/**
 * `--serve [host:port]`: bare means 127.0.0.1:7123; `8080` a port on 127.0.0.1; `0.0.0.0:8080`,
 * `[::1]:8080` or `localhost:8080` an interface. Hosts are IP literals or `localhost` only, so a
 * file name after a bare `--serve` (`file --serve talk.mp3`) is never taken for one. Port 0: any free port.
 */
export function parseServe(raw: string): ServeAddress | false {
  const value = raw.trim();
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === 'on' || lower === '') return DEFAULT_SERVE_ADDRESS;
  if (lower === 'false' || lower === 'off' || lower === 'none') return false;
  if (/^\d+$/.test(value)) return checkedPort({ host: DEFAULT_SERVE_ADDRESS.host, port: Number(value) });
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  const plain = bracketed ? null : /^([^:]+)(?::(\d+))?$/.exec(value);
  const host = bracketed?.[1] ?? plain?.[1];
  const portText = bracketed?.[2] ?? plain?.[2];
  const validHost = host !== undefined && (bracketed ? isIPv6(host) : isIPv4(host) || host.toLowerCase() === 'localhost');
  if (!validHost) {
    throw new Error('must be HOST:PORT with an IP address or localhost (e.g. 127.0.0.1:8080, 0.0.0.0:8080, [::1]:8080), or a port');
  }
  return checkedPort({ host, port: portText === undefined ? DEFAULT_SERVE_ADDRESS.port : Number(portText) });
}

function checkedPort(address: ServeAddress): ServeAddress {
  if (address.port > 65535) throw new Error(`port ${address.port} is out of range (0-65535)`);
  return address;
}

/** Only this machine can connect: no token needed. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare) || bare === '::ffff:127.0.0.1';
}

/** `127.0.0.1:7123`, `[::1]:8080`: as --serve takes it. */
export function formatServe(address: ServeAddress): string {
  return `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}

/** `http://host:port` with IPv6 in brackets. */
export function origin(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function isIPv4(host: string): boolean {
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return parts !== null && parts.slice(1).every((part) => Number(part) <= 255);
}

/** Loose: hex groups and colons (an embedded IPv4 tail too); the listen call refuses what is not an address. */
function isIPv6(host: string): boolean {
  return host.includes(':') && /^[0-9a-f:.]+$/i.test(host);
}
