/**
 * Command-line flags of the stand-alone simulator (main.ts), parsed into simulator settings.
 * Pure: reading the key and certificate files is left to the caller.
 */
import { HeraldError } from '../../core/errors.js';
import { SERVER_FLAGS, integerFlag, parseFlags } from '../shared/cli-flags.js';
import { unknownFaultKeys, type FaultSettings } from '../shared/fault-settings.js';
import type { ApnsEnvironment } from './certificates.js';

const USAGE = `usage: node dist/src/simulators/apns/main.js [--host 127.0.0.1] [--port 0]
  [--accept-all] [--latency-ms 0] [--jitter-ms 0] [--max-streams 1000] [--drop-to-one-stream-after-rejection]
  [--faults '{"serverErrors":{"count":3}}'] [--environment production|development]
  [--team-id TEAM] [--key-id KEY --public-key-file key.pem]
  [--client-cert cert.pem --client-cert-topics com.example.app[,…] [--client-cert-environment both]]
  [--stop-on-stdin-end]`;

export interface CliSettings {
  host?: string;
  port?: number;
  acceptAll: boolean;
  /** Fault modes in force from the start: --faults (JSON of FaultSettings), overridden by the flags of its keys. */
  faults: FaultSettings;
  environment?: ApnsEnvironment;
  teamId?: string;
  keyId?: string;
  publicKeyFile?: string;
  /** One trusted client certificate (certificate auth): its PEM file, topics and environment. */
  clientCertificate?: { certFile: string; topics: string[]; environment?: ApnsEnvironment | 'both' };
  /** Stop when stdin ends: a parent that dies (even by SIGKILL) takes the simulator with it. */
  stopOnStdinEnd: boolean;
}

export function parseCliArgs(args: readonly string[]): CliSettings {
  const values = parseFlags(
    args,
    {
      ...SERVER_FLAGS,
      'accept-all': { type: 'boolean' },
      'jitter-ms': { type: 'string' },
      'drop-to-one-stream-after-rejection': { type: 'boolean' },
      faults: { type: 'string' },
      environment: { type: 'string' },
      'team-id': { type: 'string' },
      'key-id': { type: 'string' },
      'public-key-file': { type: 'string' },
      'client-cert': { type: 'string' },
      'client-cert-topics': { type: 'string' },
      'client-cert-environment': { type: 'string' },
    },
    USAGE,
  );
  const bad = (detail: string): never => {
    throw new HeraldError('HERALD_CONFIG_INVALID', `${detail}\n${USAGE}`);
  };
  if ((values['key-id'] === undefined) !== (values['public-key-file'] === undefined)) {
    bad('--key-id and --public-key-file go together');
  }
  if ((values['client-cert'] === undefined) !== (values['client-cert-topics'] === undefined)) {
    bad('--client-cert and --client-cert-topics go together');
  }
  const environment = oneOf('--environment', values.environment, ['production', 'development'] as const, bad);
  const certEnvironment = oneOf(
    '--client-cert-environment',
    values['client-cert-environment'],
    ['production', 'development', 'both'] as const,
    bad,
  );
  const certFile = values['client-cert'];
  return {
    host: values.host,
    port: integerFlag('--port', values.port, USAGE),
    acceptAll: values['accept-all'] ?? false,
    faults: {
      ...(values.faults === undefined ? {} : json('--faults', values.faults)),
      ...defined({
        latencyMs: integerFlag('--latency-ms', values['latency-ms'], USAGE),
        jitterMs: integerFlag('--jitter-ms', values['jitter-ms'], USAGE),
        maxConcurrentStreams: integerFlag('--max-streams', values['max-streams'], USAGE),
        dropToOneStreamAfterRejection: values['drop-to-one-stream-after-rejection'],
      }),
    },
    environment,
    teamId: values['team-id'],
    keyId: values['key-id'],
    publicKeyFile: values['public-key-file'],
    clientCertificate:
      certFile === undefined
        ? undefined
        : {
            certFile,
            topics: (values['client-cert-topics'] ?? '').split(',').filter((t) => t !== ''),
            ...(certEnvironment === undefined ? {} : { environment: certEnvironment }),
          },
    stopOnStdinEnd: values['stop-on-stdin-end'] ?? false,
  };
}

/** `o` without its undefined fields (so that they do not override --faults). */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  bad: (detail: string) => never,
): T | undefined {
  if (value === undefined) return undefined;
  return (allowed as readonly string[]).includes(value) ? (value as T) : bad(`${flag} is one of ${allowed.join(', ')}`);
}

/** A JSON object; its fields are checked with the simulator's other options. */
function json(flag: string, value: string): FaultSettings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (cause) {
    throw new HeraldError('HERALD_CONFIG_INVALID', `${flag} needs JSON: ${(cause as Error).message}`, { cause });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HeraldError('HERALD_CONFIG_INVALID', `${flag} needs a JSON object of fault settings`);
  }
  const unknown = unknownFaultKeys(parsed);
  if (unknown.length > 0) throw new HeraldError('HERALD_CONFIG_INVALID', `${flag}: ${unknown.join(', ')}`);
  return parsed as FaultSettings;
}
