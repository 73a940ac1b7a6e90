/**
 * Starts the simulator as a child process (benchmarks keep it off the sender's core), waits for
 * its ready line, and drives its fault modes at run time over stdin (commands.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HeraldError } from '../../core/errors.js';
import { spawnServerProcess } from '../shared/server-process.js';
import { pickFaultSettings, type DropFault, type FaultSettings, type GoawayFault } from '../shared/fault-settings.js';
import type { ApnsEnvironment } from './certificates.js';
import type { CommandReply, FaultCommand, FaultOperation } from './commands.js';

export { READY_TIMEOUT_MS, STOP_TIMEOUT_MS } from '../shared/server-process.js';

/** What the child is started with; fault modes given here are in force from its start. */
export interface ApnsProcessOptions extends FaultSettings {
  host?: string;
  port?: number;
  acceptAll?: boolean;
  environment?: ApnsEnvironment;
  teamId?: string;
  /** Token auth: the key id and the file of its public key (or .p8). */
  keyId?: string;
  publicKeyFile?: string;
  /** Certificate auth: one trusted client certificate (PEM file) and its topics. */
  clientCertificate?: { certFile: string; topics: string[]; environment?: ApnsEnvironment | 'both' };
}

/** The simulator's fault modes, driven from the parent; each resolves once the child applied it. */
export interface RemoteFaults {
  set(settings: FaultSettings): Promise<void>;
  clear(): Promise<void>;
  goaway(options?: GoawayFault): Promise<void>;
  dropConnections(options?: DropFault): Promise<void>;
}

export interface ApnsSimulatorProcess {
  url: string;
  port: number;
  /** The server certificate (PEM) clients must trust. */
  ca: string;
  /** Where the child wrote `ca` (removed when it stops). */
  caFile: string;
  child: ChildProcess;
  faults: RemoteFaults;
  /** SIGTERM, then SIGKILL after STOP_TIMEOUT_MS; resolves once the child has exited. */
  stop(): Promise<void>;
}

/** main.ts flags for `o` (pure). */
export function processArgs(o: ApnsProcessOptions): string[] {
  const args: string[] = [];
  const flag = (name: string, value: string | number | undefined): void => {
    if (value !== undefined) args.push(name, String(value));
  };
  flag('--host', o.host);
  flag('--port', o.port);
  if (o.acceptAll === true) args.push('--accept-all');
  flag('--environment', o.environment);
  flag('--team-id', o.teamId);
  flag('--key-id', o.keyId);
  flag('--public-key-file', o.publicKeyFile);
  flag('--client-cert', o.clientCertificate?.certFile);
  flag('--client-cert-topics', o.clientCertificate?.topics.join(','));
  flag('--client-cert-environment', o.clientCertificate?.environment);
  const faults = pickFaultSettings(o);
  if (Object.keys(faults).length > 0) args.push('--faults', JSON.stringify(faults));
  return args;
}

/** `options`: settings, or main.ts flags as they are, e.g. ['--accept-all', '--max-streams', '1000']. */
export async function spawnApnsSimulatorProcess(
  options: ApnsProcessOptions | readonly string[] = [],
): Promise<ApnsSimulatorProcess> {
  const args = isArgs(options) ? options : processArgs(options);
  const server = await spawnServerProcess('APNS simulator process', fileURLToPath(new URL('./main.js', import.meta.url)), args);
  const control = new CommandChannel(server.child);
  server.lines.on('line', (reply) => control.answer(reply));
  server.child.once('exit', (code, signal) => control.abandon(`exited (${signal ?? code})`));
  const { url, port, ca, caFile, child, stop } = server;
  return { url, port, ca, caFile, child, faults: control.faults, stop };
}

/** Commands to the child's stdin and their replies from its stdout, matched by id. */
class CommandChannel {
  readonly faults: RemoteFaults = {
    set: (settings) => this.send('set', settings),
    clear: () => this.send('clear'),
    goaway: (options) => this.send('goaway', options),
    dropConnections: (options) => this.send('dropConnections', options),
  };
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  constructor(private readonly child: ChildProcess) {}

  answer(line: string): void {
    let reply: CommandReply;
    try {
      reply = JSON.parse(line) as CommandReply;
    } catch {
      return; // not ours: main.ts writes only replies after the ready line
    }
    const waiting = reply.id === null ? undefined : this.pending.get(reply.id);
    if (waiting === undefined) return;
    this.pending.delete(reply.id!);
    if (reply.event === 'done') waiting.resolve();
    else waiting.reject(new HeraldError('HERALD_CONFIG_INVALID', reply.message));
  }

  abandon(why: string): void {
    for (const waiting of this.pending.values()) waiting.reject(new HeraldError('HERALD_TRANSPORT', `APNS simulator process ${why}`));
    this.pending.clear();
  }

  private send(operation: FaultOperation, settings?: FaultCommand['settings']): Promise<void> {
    const command: FaultCommand = { id: this.nextId++, faults: operation, ...(settings === undefined ? {} : { settings }) };
    return new Promise((resolve, reject) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.stdin === null) {
        return reject(new HeraldError('HERALD_TRANSPORT', 'APNS simulator process has exited'));
      }
      this.pending.set(command.id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify(command)}\n`);
    });
  }
}

function isArgs(options: ApnsProcessOptions | readonly string[]): options is readonly string[] {
  return Array.isArray(options);
}


