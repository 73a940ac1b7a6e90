/**
 * Herald's one logging interface, `Logger`: an event name and its fields, at one of four levels.
 * Event names are dotted, `area.event` in snake_case (`rest.unauthorized`, `apns.session.goaway`):
 * an operator filters on the prefix. Herald's own logger (`createLogger`) is pino writing JSON
 * lines to stderr; a host embedding Herald may pass its own Logger instead, and `redacting()` gives
 * it the same redaction (Herald.start wraps it).
 *
 * Redaction is one function, `redact()` (core/redaction.ts: device-token hints, hidden field
 * names, hidden values and credential shapes scrubbed from every string), run as pino's
 * `formatters.log` and `formatters.bindings`; pino's own `redact` paths (REDACT_PATHS) are a
 * second net under it for the top-level names a credential most often arrives in.
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { redact, REDACTED } from './redaction.js';

export { deviceTokenHint, redact, REDACTED } from './redaction.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * pino `redact` paths (applied after `redact()`, on the line as written): credentials under the
 * names HTTP and OAuth give them, at the top level and one level down.
 */
const REDACT_PATHS: readonly string[] = [
  'authorization',
  '*.authorization',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'private_key',
  '*.private_key',
  'access_token',
  '*.access_token',
];

/** Marks a logger that redacts already, so that wrapping it again costs nothing. */
const REDACTS = Symbol('herald.log.redacts');
/** The pino logger behind one of ours: `withFields` makes pino children of it. */
const PINO = Symbol('herald.log.pino');

type Marked = { [REDACTS]?: true; [PINO]?: PinoLogger };

/**
 * stderr for every logger of this thread: sonic-boom writing synchronously on fd 2, one
 * write(2) per line. Main thread and worker threads (shards, sender threads) write their own
 * lines on the same fd, so no line waits for a thread that may be dying, and a line below
 * PIPE_BUF (4 KiB on Linux, POSIX's minimum 512) is never interleaved with another.
 */
let stderr: DestinationStream | undefined;
function stderrDestination(): DestinationStream {
  stderr ??= pino.destination({ fd: 2, sync: true });
  return stderr;
}

/**
 * Herald's own logger: pino, JSON lines `{"level":"warn","time":"…","event":"…",…fields}`, every
 * line's fields through `redact()`. `write` replaces stderr (tests read the lines).
 */
export function createLogger(minLevel: LogLevel = 'info', write?: (line: string) => void): Logger {
  const destination: DestinationStream = write === undefined ? stderrDestination() : { write };
  const logger = pino(
    {
      level: minLevel,
      base: undefined,
      messageKey: 'event',
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redact(bindings),
        log: (fields) => redact(fields),
      },
    },
    destination,
  );
  return fromPino(logger);
}

function fromPino(logger: PinoLogger): Logger {
  const out: Logger & Marked = {
    debug: (event, fields) => logger.debug(fields ?? {}, event),
    info: (event, fields) => logger.info(fields ?? {}, event),
    warn: (event, fields) => logger.warn(fields ?? {}, event),
    error: (event, fields) => logger.error(fields ?? {}, event),
    [REDACTS]: true,
    [PINO]: logger,
  };
  return out;
}

/**
 * The same logger with `fields` on every line (pino's child bindings for Herald's own logger,
 * serialised once; merged into each line's fields for any other). A line's own field of the
 * same name wins.
 */
export function withFields(log: Logger, fields: LogFields): Logger {
  const pinoLogger = (log as Marked)[PINO];
  if (pinoLogger !== undefined) return fromPino(pinoLogger.child(fields));
  const out: Partial<Logger> & Marked = { [REDACTS]: (log as Marked)[REDACTS] };
  for (const level of LEVELS) out[level] = (event, own) => log[level](event, { ...fields, ...own });
  return out as Logger;
}

/**
 * The same logger with `redact()` applied to every line's fields before they reach it. For
 * loggers Herald did not build (a host's, a test's); a logger that redacts is returned as is.
 */
export function redacting<L extends Partial<Logger>>(log: L): L {
  if ((log as Marked)[REDACTS]) return log;
  const out: Partial<Logger> & Marked = { [REDACTS]: true };
  for (const level of LEVELS) {
    const method = log[level];
    if (method) out[level] = (event, fields = {}) => method.call(log, event, redact(fields));
  }
  return out as L;
}

export const silentLogger: Logger = Object.assign(
  { debug() {}, info() {}, warn() {}, error() {} },
  { [REDACTS]: true as const },
);
