/**
 * A URL as it may be shown or logged: without its user:password, which may be a secret
 * (`--api-url http://user:pass@host`). Text that is not such a URL comes back unchanged.
 */
export function displayUrl(text: string | URL): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return String(text);
  }
  if (!url.username && !url.password) return String(text);
  url.username = '';
  url.password = '';
  return url.toString();
}
