/** The App Server's bridge to a remote MongoosePush-compatible push service over HTTP. */
export {
  RemotePushDispatcher,
  startRemotePush,
  IDLE_CONNECTION_TIMEOUT_MS,
  MAX_ANSWER_BYTES,
  type RemotePushConfig,
  type RemotePushOptions,
} from './remote-push-dispatcher.js';
export { remoteRequestBody, deepBody, REMOTE_API_VERSIONS, V1_CANNOT_CARRY_SILENT, type RemoteApiVersion, type RemoteRequestBody } from './request-body.js';
export { notificationPath, devicePathSegment } from './request-path.js';
export { answerOutcome, noAnswerOutcome, MAX_REASON_CHARS, type NoAnswer } from './answer-outcome.js';
export { RequestGate, type GateJob } from './request-gate.js';
