// What Deepgram says when it refuses: HTTP error bodies and WebSocket close reasons.

export interface ErrorBody {
  err_code: string;
  err_msg: string;
}

/** Bodies from fixtures/deepgram/http-error-*.json (request_id is added per request). */
const BODIES_BY_STATUS: Readonly<Record<number, ErrorBody>> = {
  400: { err_code: 'Bad Request', err_msg: 'Bad Request: failed to process audio: corrupt or unsupported data' },
  401: { err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.' },
  402: {
    err_code: 'ASR_PAYMENT_REQUIRED',
    err_msg: 'Project does not have enough credits for an ASR request and does not have an overage agreement.',
  },
  403: { err_code: 'INSUFFICIENT_PERMISSIONS', err_msg: 'Project does not have access to the requested model.' },
  404: { err_code: 'NOT_FOUND', err_msg: 'Not Found' },
  429: { err_code: 'TOO_MANY_REQUESTS', err_msg: 'Too many requests. Please try again later' },
  405: { err_code: 'METHOD_NOT_ALLOWED', err_msg: 'Method Not Allowed' },
};

const SERVER_ERROR: ErrorBody = {
  err_code: 'INTERNAL_SERVER_ERROR',
  err_msg: 'Deepgram encountered an internal error while processing your request. Please try again later.',
};

export function defaultErrorBody(status: number): ErrorBody {
  return BODIES_BY_STATUS[status] ?? (status >= 500 ? SERVER_ERROR : { err_code: 'Bad Request', err_msg: 'Bad Request' });
}

/** 400 for a query the live API refuses, in the shape of http-error-400-invalid-query-param.json. */
export const invalidQuery = (message: string): ErrorBody => ({ err_code: 'INVALID_QUERY_PARAMETER', err_msg: message });

/** What the real service answers for a model name it does not know. */
export const UNKNOWN_MODEL: ErrorBody = {
  err_code: 'Bad Request',
  err_msg: 'Bad Request: No such model/language/tier combination found.',
};

export const CLOSE = {
  normal: { code: 1000, reason: '' },
  /** Nothing received within the idle timeout (NET-0001): exact text of the real service. */
  idle: {
    code: 1011,
    reason: 'Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001',
  },
  /** Server-side failure (NET-0000), the default for an injected drop. */
  internal: {
    code: 1011,
    reason: 'Deepgram did not provide a response message within the timeout window. See https://dpgr.am/net0000',
  },
  /** The adversarial profile's pace limit: our wording (the real service's text for this is not known). */
  tooFast: {
    code: 1008,
    reason: 'Audio arrived too far ahead of real time (test server pace limit)',
  },
  /** Audio that cannot be decoded (DATA-0000). */
  undecodable: {
    code: 1008,
    reason: 'DATA-0000: The payload cannot be decoded as audio. See https://dpgr.am/data0000',
  },
} as const;
