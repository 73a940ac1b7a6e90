/**
 * The APNS server the client benchmarks (sender, e2e, users' scaling table, stream-gate) run
 * their contestants against, in its own process:
 *   - `benchmark` (default): the APNS benchmark server (src/simulators/apns-benchmark/), HTTP/2
 *     at the frame level with no HPACK decoding, answering every request 200 for a few µs of CPU;
 *   - `simulator`: the protocol-faithful APNS simulator (src/simulators/apns/) in accept-all
 *     mode, on node:http2 (≈ 50 µs of CPU per push), for comparison with earlier runs.
 */
import { spawnApnsSimulatorProcess } from '../../src/simulators/apns/process.js';
import { spawnApnsBenchmarkServerProcess } from '../../src/simulators/apns-benchmark/process.js';

export type ServerKind = 'benchmark' | 'simulator';
export const SERVER_KINDS: readonly ServerKind[] = ['benchmark', 'simulator'];

/** The `--server` flag's value, checked. */
export function serverKindOf(text: string | undefined): ServerKind {
  const kind = (text ?? 'benchmark') as ServerKind;
  if (!SERVER_KINDS.includes(kind)) throw new Error(`--server is one of ${SERVER_KINDS.join(', ')}, got ${text}`);
  return kind;
}

export interface BenchServer {
  kind: ServerKind;
  /** For the report: what ran and how. */
  description: string;
  url: string;
  /** The server's self-signed certificate (PEM) for the contestants to trust, and the file holding it. */
  ca: string;
  caFile: string;
  /** For its CPU time (process-cpu.ts). */
  pid: number | undefined;
  /** Requests the server answered so far, where it counts them (the benchmark server). */
  answered(): Promise<number | undefined>;
  stop(): Promise<void>;
}

export async function startBenchServer(kind: ServerKind, maxStreams: number): Promise<BenchServer> {
  if (kind === 'benchmark') {
    const server = await spawnApnsBenchmarkServerProcess({ maxConcurrentStreams: maxStreams });
    return {
      kind,
      description:
        'APNS benchmark server (src/simulators/apns-benchmark: frame-level HTTP/2 over TLS, no HPACK decoding, every request answered 200), own process',
      url: server.url,
      ca: server.ca,
      caFile: server.caFile,
      pid: server.child.pid,
      answered: async () => (await server.stats()).answered,
      stop: () => server.stop(),
    };
  }
  const sim = await spawnApnsSimulatorProcess(['--accept-all', '--max-streams', String(maxStreams)]);
  return {
    kind,
    description: 'APNS simulator (src/simulators/apns on node:http2), accept-all, own process',
    url: sim.url,
    ca: sim.ca,
    caFile: sim.caFile,
    pid: sim.child.pid,
    answered: () => Promise.resolve(undefined),
    stop: () => sim.stop(),
  };
}
