import { ExitCode, type ExitCodeValue } from '../errors.js';
import { escapeControls } from '../escape-controls.js';

export type Verdict = 'ok' | 'warn' | 'fail' | 'skip';

/** One line of `doctor`: what was checked, the verdict, what was seen and, when not ok, the fix. */
export interface CheckResult {
  check: string;
  verdict: Verdict;
  detail: string;
  fix?: string;
  /** For a failure: the exit code of its class (src/errors.ts). */
  exitCode?: ExitCodeValue;
}

export const ok = (check: string, detail: string): CheckResult => ({ check, verdict: 'ok', detail });
export const warn = (check: string, detail: string, fix?: string): CheckResult => ({ check, verdict: 'warn', detail, ...(fix ? { fix } : {}) });
export const skip = (check: string, detail: string): CheckResult => ({ check, verdict: 'skip', detail });
export const fail = (check: string, detail: string, fix: string, exitCode: ExitCodeValue): CheckResult => ({ check, verdict: 'fail', detail, fix, exitCode });

const LABEL: Record<Verdict, string> = { ok: 'ok', warn: 'warn', fail: 'FAIL', skip: 'skip' };
const COLOUR: Record<Verdict, string> = { ok: '\x1b[32m', warn: '\x1b[33m', fail: '\x1b[31m', skip: '\x1b[2m' };

/** `ok    key          valid: ...`; colour only when asked (a terminal without NO_COLOR), never in a pipe. */
export function formatResult(result: CheckResult, color: boolean): string {
  const label = LABEL[result.verdict].padEnd(4);
  const shown = color ? `${COLOUR[result.verdict]}${label}\x1b[0m` : label;
  const fix = result.fix ? ` — ${result.fix}` : '';
  return `${shown}  ${result.check.padEnd(10)}  ${escapeControls(result.detail)}${escapeControls(fix)}\n`;
}

/** 0 when nothing failed, else the exit code of the first failure. */
export function doctorExitCode(results: readonly CheckResult[]): ExitCodeValue {
  return results.find((result) => result.verdict === 'fail')?.exitCode ?? ExitCode.ok;
}
