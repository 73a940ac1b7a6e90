/**
 * One log line per interval for events that can repeat at the rate an attacker chooses (refused
 * connections, unauthenticated requests, dropped stanzas): `foldRepeats(log, intervalMs)` is the
 * same Logger, except that per event (or per `keyOf` key) the first occurrence is written at once,
 * the following ones within `intervalMs` are only counted, and one line with the count (and the
 * fields and level of the last occurrence) closes the interval. A flood costs a few lines a
 * minute, and an operator still sees that it happens and how much.
 */
import type { LogFields, Logger, LogLevel } from './log.js';

export interface FoldingLogger extends Logger {
  /** Writes what is pending now (at shutdown); later occurrences start a new interval. */
  flush(): void;
}

/** What is folded under one key. */
interface Fold {
  pending: number;
  last: { level: LogLevel; event: string; fields: LogFields | undefined } | undefined;
  timer: NodeJS.Timeout | undefined;
}

/**
 * `keyOf` splits one event into several folds (`rest.connection_refused` per reason); the
 * keys must come from a fixed set, as each one is kept.
 */
export function foldRepeats(log: Logger, intervalMs: number, keyOf: (event: string, fields: LogFields | undefined) => string = (event) => event): FoldingLogger {
  const folds = new Map<string, Fold>();

  const closeInterval = (fold: Fold): void => {
    fold.timer = undefined;
    const last = fold.last;
    if (fold.pending === 0 || last === undefined) return;
    const count = fold.pending;
    fold.pending = 0;
    fold.last = undefined;
    log[last.level](last.event, { ...last.fields, count, repeated_within_ms: intervalMs });
    // The interval that just closed had repeats: keep folding until one stays quiet.
    startInterval(fold);
  };
  const startInterval = (fold: Fold): void => {
    fold.timer = setTimeout(() => closeInterval(fold), intervalMs);
    fold.timer.unref();
  };

  const record = (level: LogLevel) => (event: string, fields?: LogFields): void => {
    const key = keyOf(event, fields);
    let fold = folds.get(key);
    if (fold === undefined) {
      fold = { pending: 0, last: undefined, timer: undefined };
      folds.set(key, fold);
    }
    if (fold.timer === undefined) {
      log[level](event, { ...fields, count: 1 });
      startInterval(fold);
      return;
    }
    fold.pending++;
    fold.last = { level, event, fields };
  };

  return {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    flush: () => {
      for (const fold of folds.values()) {
        clearTimeout(fold.timer);
        closeInterval(fold);
      }
    },
  };
}
