/**
 * What a CPU profile sample was doing for a REST request, by the frames on its stack. Pure.
 *
 * A sample belongs to the category of the innermost frame that names one, so that time spent in
 * shared machinery (events, streams, buffers, natives) counts for whoever called it: a Buffer copy
 * made while reading a request body is "body read", an EventEmitter.emit inside node:http2 is
 * "HTTP/2 client". Frames of that shared machinery are `undefined` here (look further out); a
 * stack with no category at all is "other JS".
 */

export interface Frame {
  functionName: string;
  /** `node:…` for Node's own modules, `file:///…/dist/…` for Herald's, '' for natives and V8's pseudo-frames. */
  url: string;
}

export const IDLE = 'idle';

/** Report order; the first three are V8's pseudo-frames. */
export const CATEGORIES = [
  'GC (main-thread pauses)',
  'native, no JS on the stack (TLS reads, socket events)',
  'TCP/TLS socket (write: encrypt + send)',
  'HTTP/1.1 server (parse, answer)',
  'REST routing, limits, auth',
  'REST body read',
  'REST JSON.parse + validation',
  'REST dispatch + answer',
  'APNS request (payload JSON, apns-id)',
  'pool selection',
  'cross-thread messages',
  'sender actor, retry policy, counters',
  'HTTP/2 client (node:http2 + connection)',
  'timers',
  'promises, ticks, immediates',
  'logging, metrics',
  'bare relay code',
  'other JS',
] as const;
export type Category = (typeof CATEGORIES)[number] | typeof IDLE;

const PSEUDO: Readonly<Record<string, Category>> = {
  '(idle)': IDLE,
  '(garbage collector)': 'GC (main-thread pauses)',
  '(program)': 'native, no JS on the stack (TLS reads, socket events)',
};

/** Functions of notification-exchange.js, by what they do for a request. */
const EXCHANGE_FUNCTIONS: Readonly<Record<string, Category>> = {
  onBodyData: 'REST body read',
  onData: 'REST body read',
  grow: 'REST body read',
  release: 'REST body read',
  onBodyEnd: 'REST JSON.parse + validation',
  onEnd: 'REST JSON.parse + validation',
  handleRequest: 'REST routing, limits, auth',
  connectionOf: 'REST routing, limits, auth',
  start: 'REST routing, limits, auth',
  Exchange: 'REST routing, limits, auth',
};

/** Herald's modules under dist/src/, by path prefix; the first match wins. */
const HERALD_MODULES: ReadonlyArray<readonly [string, Category]> = [
  ['rest/deep-schema', 'REST JSON.parse + validation'],
  ['rest/flat-schema', 'REST JSON.parse + validation'],
  ['rest/cast', 'REST JSON.parse + validation'],
  ['rest/invalid-value', 'REST JSON.parse + validation'],
  ['rest/notification-exchange', 'REST dispatch + answer'],
  ['rest/write-answer', 'REST dispatch + answer'],
  ['rest/v', 'REST dispatch + answer'],
  ['rest/rest-log', 'logging, metrics'],
  ['rest/', 'REST routing, limits, auth'],
  ['push-service/apns/request', 'APNS request (payload JSON, apns-id)'],
  ['push-service/apns/payload', 'APNS request (payload JSON, apns-id)'],
  ['push-service/apns/headers', 'HTTP/2 client (node:http2 + connection)'],
  ['push-service/apns/answer-reader', 'HTTP/2 client (node:http2 + connection)'],
  ['push-service/apns/outcome', 'HTTP/2 client (node:http2 + connection)'],
  ['push-service/http2/connection', 'HTTP/2 client (node:http2 + connection)'],
  ['push-service/http2/exchange', 'HTTP/2 client (node:http2 + connection)'],
  ['push-service/http2/session-slot', 'HTTP/2 client (node:http2 + connection)'],
  ['push-service/http2/answer-reader', 'HTTP/2 client (node:http2 + connection)'],
  ['push-service/http2/', 'sender actor, retry policy, counters'],
  ['push-service/apns', 'sender actor, retry policy, counters'],
  ['push-service/ops/send-counters', 'sender actor, retry policy, counters'],
  ['push-service/ops/', 'logging, metrics'],
  ['push-service/pools/', 'pool selection'],
  ['push-service/threaded/', 'cross-thread messages'],
  ['actors/', 'sender actor, retry policy, counters'],
  ['core/log', 'logging, metrics'],
  ['core/aggregated-log', 'logging, metrics'],
];

/** Node's modules, by exact name or `prefix*`; unlisted ones are shared machinery. */
const NODE_MODULES: ReadonlyArray<readonly [string, Category]> = [
  ['node:net', 'TCP/TLS socket (write: encrypt + send)'],
  ['node:_tls_wrap', 'TCP/TLS socket (write: encrypt + send)'],
  ['node:tls', 'TCP/TLS socket (write: encrypt + send)'],
  ['node:internal/tls/*', 'TCP/TLS socket (write: encrypt + send)'],
  ['node:_http_*', 'HTTP/1.1 server (parse, answer)'],
  ['node:http', 'HTTP/1.1 server (parse, answer)'],
  ['node:internal/http', 'HTTP/1.1 server (parse, answer)'],
  ['node:internal/http2/*', 'HTTP/2 client (node:http2 + connection)'],
  ['node:http2', 'HTTP/2 client (node:http2 + connection)'],
  ['node:internal/crypto/random', 'APNS request (payload JSON, apns-id)'],
  ['node:internal/worker', 'cross-thread messages'],
  ['node:internal/worker/*', 'cross-thread messages'],
  ['node:worker_threads', 'cross-thread messages'],
  ['node:internal/per_context/messageport', 'cross-thread messages'],
  ['node:internal/event_target', 'cross-thread messages'],
  ['node:timers', 'timers'],
  ['node:internal/timers', 'timers'],
];

/** Natives with no url whose work is clear from their name alone. */
const NATIVE_FUNCTIONS: Readonly<Record<string, Category>> = {
  postMessage: 'cross-thread messages',
  receiveMessageOnPort: 'cross-thread messages',
  runMicrotasks: 'promises, ticks, immediates',
};

/** Entry points of the event loop's JS queues: a category only if nothing inside them had one. */
const QUEUE_FUNCTIONS: ReadonlySet<string> = new Set([
  'processTicksAndRejections',
  'processImmediate',
  'processTimers',
  'listOnTimeout',
  'processPromiseRejections',
]);

/** The frame's own category, or undefined when it is shared machinery (look at its caller). */
export function frameCategory(frame: Frame): Category | undefined {
  const { functionName, url } = frame;
  if (url === '') return PSEUDO[functionName] ?? NATIVE_FUNCTIONS[functionName];
  const dist = url.lastIndexOf('/dist/');
  if (dist !== -1) {
    const path = url.slice(dist + '/dist/'.length);
    if (path.startsWith('bench/rest/bare-relay-main')) return 'bare relay code';
    if (!path.startsWith('src/')) return undefined;
    const module = path.slice('src/'.length);
    if (module.startsWith('rest/notification-exchange')) {
      const category = EXCHANGE_FUNCTIONS[functionName];
      if (category !== undefined) return category;
    }
    for (const [prefix, category] of HERALD_MODULES) if (module.startsWith(prefix)) return category;
    return undefined;
  }
  if (url.includes('/node_modules/nact/')) return 'sender actor, retry policy, counters';
  for (const [pattern, category] of NODE_MODULES) {
    if (pattern.endsWith('*') ? url.startsWith(pattern.slice(0, -1)) : url === pattern) return category;
  }
  return undefined;
}

/** The category of a sample, from its stack (innermost frame first). */
export function sampleCategory(stack: readonly Frame[]): Category {
  let queue = false;
  for (const frame of stack) {
    const category = frameCategory(frame);
    if (category !== undefined) return category;
    if (QUEUE_FUNCTIONS.has(frame.functionName)) queue = true;
  }
  return queue ? 'promises, ticks, immediates' : 'other JS';
}
