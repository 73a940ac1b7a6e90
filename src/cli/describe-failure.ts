/**
 * What `herald` prints when a command fails. An operator's mistake (a HeraldError: bad config,
 * unusable file, full store…) is one message naming the code, each key, where its value came
 * from and the cause; only an unexpected failure (a bug) gets its stack trace.
 */
import { isHeraldError } from '../core/errors.js';

export interface FailureContext {
  command?: string;
  /** The config file in use. */
  file?: string;
}

export function describeFailure(e: unknown, context: FailureContext): string {
  let after = context.command === 'start' ? '\nherald start: nothing was started.' : '';
  if (context.command === 'check-config' && isHeraldError(e, 'HERALD_CONFIG_INVALID')) {
    after = '\nherald check-config: the files, folders and addresses the configuration names are checked once these are fixed.';
  }
  if (isHeraldError(e)) {
    const where =
      e.code === 'HERALD_CONFIG_FILE' && context.file !== undefined ? ` (configuration ${context.file})` : '';
    return `herald: ${e.code}${where}: ${e.message}${after}`;
  }
  if ((e as { code?: unknown })?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (e as { code?: unknown })?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return `herald: ${(e as Error).message}`;
  }
  return `herald: unexpected failure (a bug; please report it with this trace): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
}
