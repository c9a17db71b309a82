// A local Deepgram-compatible live server for end-to-end tests (see
// ../../../../shared/deepgram-live-protocol.md, which it follows). Usage, channels and the
// expected-output helpers: README.md beside this file.
export { startDeepgramServer } from './server.js';
export {
  scriptFromText,
  expectedLines,
  expectedUtterances,
  type ScriptTiming,
  type ExpectedLinesOptions,
  type ExpectedUtterancesOptions,
  type ExpectedUtterance,
} from './script.js';
export { expectedUtterancesPrerecorded, DEFAULT_UTT_SPLIT_SEC, type ExpectedPrerecordedOptions, type ExpectedPrerecordedUtterance } from './prerecorded.js';
export { bareWord } from './messages.js';
export { expectedTurns, type ExpectedTurn, type ExpectedTurnsOptions } from './flux-expected.js';
export { FLUX_PATH, FLUX_MODELS, FLUX_LANGUAGES, FLUX_REFUSED_PARAMS } from './flux-query.js';
export { decisionDelaySec, UPDATE_INTERVAL_SEC } from './flux-turns.js';
export { FLUX_ERRORS } from './flux-messages.js';
export { CLOSE } from './errors.js';
export { BROKEN_MESSAGES, seededRandom } from './adversarial.js';
export { KNOWN_MODELS } from './models.js';
export { MANAGEMENT_FIXTURES, TEST_PROJECT_ID, INSUFFICIENT_SCOPE } from './management.js';
export type {
  ScriptWord,
  HandshakeReject,
  DropFault,
  ConnectionFault,
  DeepgramServerOptions,
  AdversarialOptions,
  FrameLog,
  SentLog,
  TextFrameLog,
  ConnectionLog,
  DeepgramServer,
  ManagementOptions,
  ManagementRequestLog,
  FluxServerOptions,
} from './types.js';
