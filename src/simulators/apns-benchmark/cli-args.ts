/**
 * Command-line flags of the stand-alone benchmark server (main.ts). Pure.
 */
import { SERVER_FLAGS, integerFlag, parseFlags } from '../shared/cli-flags.js';
import type { ApnsBenchmarkServerOptions } from './server.js';

const USAGE = `usage: node dist/src/simulators/apns-benchmark/main.js [--host 127.0.0.1] [--port 0]
  [--max-streams 1000] [--latency-ms 0] [--stop-on-stdin-end]`;

export interface BenchmarkCliSettings {
  server: Omit<ApnsBenchmarkServerOptions, 'tls'>;
  /** Stop when stdin ends: a parent that dies (even by SIGKILL) takes the server with it. */
  stopOnStdinEnd: boolean;
}

export function parseBenchmarkCliArgs(args: readonly string[]): BenchmarkCliSettings {
  const values = parseFlags(args, SERVER_FLAGS, USAGE);
  const server: BenchmarkCliSettings['server'] = {};
  if (values.host !== undefined) server.host = values.host;
  const port = integerFlag('--port', values.port, USAGE);
  if (port !== undefined) server.port = port;
  const maxStreams = integerFlag('--max-streams', values['max-streams'], USAGE);
  if (maxStreams !== undefined) server.maxConcurrentStreams = maxStreams;
  const latencyMs = integerFlag('--latency-ms', values['latency-ms'], USAGE);
  if (latencyMs !== undefined) server.latencyMs = latencyMs;
  return { server, stopOnStdinEnd: values['stop-on-stdin-end'] ?? false };
}
