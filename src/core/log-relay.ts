/**
 * Log lines of worker threads (shards, sender threads) cross to the main thread and are written
 * by its Logger: one writer, so lines stay whole and in one stream, a host's own logger receives
 * them as it receives the main thread's, and `log.level` is applied in one place. A line is
 * redacted before it leaves its thread (no token crosses in the clear) and made JSON-safe, as
 * postMessage and the shards' JSON batches cannot carry functions, errors or cycles.
 */
import { redact, type LogFields, type Logger, type LogLevel } from './log.js';

export type RelayedLine = readonly [level: LogLevel, event: string, fields: LogFields | undefined];

/** The Logger of a worker thread: each line goes to `send`, for the main thread to `replay`. */
export function relayingLogger(send: (line: RelayedLine) => void): Logger {
  const at = (level: LogLevel) => (event: string, fields?: LogFields): void => send([level, event, fields && jsonSafe(redact(fields))]);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Writes a relayed line with the main thread's logger. */
export function replay(log: Logger, [level, event, fields]: RelayedLine): void {
  log[level](event, fields);
}

/** The fields as JSON can carry them: a cycle (an Element's parent) is cut, not thrown on. */
function jsonSafe(fields: LogFields): LogFields {
  const seen = new WeakSet<object>();
  const text = JSON.stringify(fields, (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value)) return '[cycle]';
    seen.add(value);
    return value;
  });
  return JSON.parse(text) as LogFields;
}
