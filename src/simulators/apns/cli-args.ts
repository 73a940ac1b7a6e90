/**
 * Command-line flags of the stand-alone simulator (main.ts), parsed into simulator options.
 * Pure: reading the key file is left to the caller.
 */
import { parseArgs } from 'node:util';
import { HeraldError } from '../../core/errors.js';

export const USAGE = `usage: node dist/src/simulators/apns/main.js [--host 127.0.0.1] [--port 0]
  [--accept-all] [--latency-ms 0] [--jitter-ms 0] [--max-streams 1000]
  [--team-id TEAM] [--key-id KEY --public-key-file key.pem] [--stop-on-stdin-end]`;

export interface CliSettings {
  host?: string;
  port?: number;
  acceptAll: boolean;
  latencyMs?: number;
  jitterMs?: number;
  maxConcurrentStreams?: number;
  teamId?: string;
  keyId?: string;
  publicKeyFile?: string;
  /** Stop when stdin ends: a parent that dies (even by SIGKILL) takes the simulator with it. */
  stopOnStdinEnd: boolean;
}

export function parseCliArgs(args: readonly string[]): CliSettings {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'accept-all': { type: 'boolean' },
        'latency-ms': { type: 'string' },
        'jitter-ms': { type: 'string' },
        'max-streams': { type: 'string' },
        'team-id': { type: 'string' },
        'key-id': { type: 'string' },
        'public-key-file': { type: 'string' },
        'stop-on-stdin-end': { type: 'boolean' },
      },
    }));
  } catch (cause) {
    throw new HeraldError('HERALD_CONFIG_INVALID', `${(cause as Error).message}\n${USAGE}`, { cause });
  }
  if ((values['key-id'] === undefined) !== (values['public-key-file'] === undefined)) {
    throw new HeraldError('HERALD_CONFIG_INVALID', `--key-id and --public-key-file go together\n${USAGE}`);
  }
  return {
    host: values.host,
    port: integer('--port', values.port),
    acceptAll: values['accept-all'] ?? false,
    latencyMs: integer('--latency-ms', values['latency-ms']),
    jitterMs: integer('--jitter-ms', values['jitter-ms']),
    maxConcurrentStreams: integer('--max-streams', values['max-streams']),
    teamId: values['team-id'],
    keyId: values['key-id'],
    publicKeyFile: values['public-key-file'],
    stopOnStdinEnd: values['stop-on-stdin-end'] ?? false,
  };
}

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    throw new HeraldError('HERALD_CONFIG_INVALID', `${flag} needs a non-negative integer, got ${value}`);
  }
  return Number(value);
}
