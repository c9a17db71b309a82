import { ExitCode, TranscribeError, UsageError } from '../errors.js';

type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/**
 * Asks for a secret. On a terminal: the question on stderr, typing not echoed. Otherwise: the first
 * line of stdin (`echo $KEY | transcribe config set api-key`).
 */
export async function readSecret(stdin: Input, stderr: NodeJS.WritableStream, question: string): Promise<string> {
  if (stdin.isTTY && stdin.setRawMode) return readHidden(stdin, stderr, question);
  return readFirstLine(stdin);
}

function readHidden(stdin: Input, stderr: NodeJS.WritableStream, question: string): Promise<string> {
  stderr.write(question);
  stdin.setRawMode!(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  let typed = '';
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode!(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new TranscribeError('cancelled', ExitCode.interrupted));
        if (char === '\u0004' && !typed) return finish(new UsageError('no key entered', 'run the command again and paste the key'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else if (char >= ' ') typed += char;
      }
    };
    stdin.on('data', onData);
  });
}

/** Far longer than any API key: stdin without a newline this early is not a key (and could be endless). */
const MAX_LINE = 4096;

async function readFirstLine(stdin: Input): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    const piece = chunk.toString();
    const end = piece.indexOf('\n'); // in the new piece only: searching all of it each time was quadratic
    text += end >= 0 ? piece.slice(0, end) : piece;
    if (text.length > MAX_LINE)
      throw new UsageError(
        'the first line of stdin is too long to be an API key',
        'pipe only the key: echo "$DEEPGRAM_API_KEY" | transcribe config set api-key',
      );
    if (end >= 0) return text.replace(/\r$/, '');
  }
  return text;
}
