/** Names of variables that may hold a secret: never passed to a child process (ffmpeg, SoX, arecord, pactl). */
const SECRET = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL/i;

/**
 * The environment for a child process: ours without the API key and anything else secret. A child
 * does not need them, /proc/<pid>/environ would show them, and libraries print the options that
 * carry this environment (DEBUG=record prints node-record-lpcm16's).
 */
export function childEnv(env: Record<string, string | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || SECRET.test(name) || name.toUpperCase().startsWith('DEEPGRAM_')) continue;
    kept[name] = value;
  }
  return kept;
}
