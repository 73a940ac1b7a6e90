/**
 * HERALD_CONFIG_FILE: a file, folder or address the configuration names cannot be used. One
 * error carries every such problem, each with the key that names the resource, the resource
 * (path, or host:port) and the cause; the environment variable that set the key, if one did.
 */
import { HeraldError } from '../errors.js';

export interface FileProblem {
  /** The config key naming the resource, e.g. `rest.cert_file`, `apns.pools.0.key_file`. */
  key: string;
  /** The file or folder as configured (or `host:port` for an address). */
  path: string;
  /** What is wrong, in an operator's words: "no such file", "holds a certificate, not a private key". */
  cause: string;
  /** The environment variable that set the key. */
  env?: string;
}

export class ConfigFileError extends HeraldError {
  constructor(readonly problems: readonly FileProblem[]) {
    super('HERALD_CONFIG_FILE', problems.length === 1 ? formatFileProblem(problems[0]!) : `${problems.length} problems:\n${problems.map((p) => `  - ${formatFileProblem(p)}`).join('\n')}`);
  }

  /** One problem, thrown where a file is read at run time (for embedders who skip the pre-flight). */
  static of(key: string, path: string, cause: string): ConfigFileError {
    return new ConfigFileError([{ key, path, cause }]);
  }
}

/** `rest.cert_file = /etc/herald/rest.crt: no such file (set by environment variable PUSH_HTTPS_CERTFILE)`. */
function formatFileProblem(p: FileProblem): string {
  return `${p.key} = ${p.path}: ${p.cause}${p.env !== undefined ? ` (set by environment variable ${p.env})` : ''}`;
}
