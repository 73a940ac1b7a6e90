/**
 * Starts the simulator as a child process (benchmarks keep it off the sender's core), waits for
 * its ready line, and drives its fault modes at run time over stdin (commands.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { HeraldError } from '../../core/errors.js';
import { pickFaultSettings, type DropFault, type FaultSettings, type GoawayFault } from '../shared/fault-settings.js';
import type { ApnsEnvironment } from './certificates.js';
import type { CommandReply, FaultCommand, FaultOperation } from './commands.js';

/** Node start-up plus certificate generation on a busy 2-core machine stays well under this. */
export const READY_TIMEOUT_MS = 15_000;
/** Closing destroys every session at once; past this the child is killed. */
export const STOP_TIMEOUT_MS = 5_000;
/** stderr kept for the error message when the child dies before it is ready. */
const STDERR_TAIL_CHARS = 2_000;

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
export function spawnApnsSimulatorProcess(
  options: ApnsProcessOptions | readonly string[] = [],
): Promise<ApnsSimulatorProcess> {
  const args = isArgs(options) ? options : processArgs(options);
  const script = fileURLToPath(new URL('./main.js', import.meta.url));
  // stdin stays open while we live: if this process dies, the simulator sees it end and stops.
  const child = spawn(process.execPath, [script, '--stop-on-stdin-end', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // A child that dies with a command unwritten must not crash us (EPIPE): `exit` reports it.
  child.stdin.on('error', () => {});
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const control = new CommandChannel(child);

  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    let settled = false;
    const fail = (detail: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      lines.close();
      child.kill('SIGKILL');
      reject(new HeraldError('HERALD_TRANSPORT', `APNS simulator process ${detail}: ${stderr.trim()}`));
    };
    const timer = setTimeout(() => fail(`not ready within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      fail(`exited (${signal ?? code}) before it was ready`);
      control.abandon(`exited (${signal ?? code})`);
    });
    lines.once('line', (line) => {
      const ready = parseReadyLine(line);
      if (ready === undefined) return fail(`printed ${JSON.stringify(line)} instead of a ready line`);
      settled = true;
      clearTimeout(timer);
      lines.on('line', (reply) => control.answer(reply));
      const stop = async (): Promise<void> => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(kill);
      };
      const ca = readFileSync(ready.caFile, 'utf8');
      resolve({ url: ready.url, port: ready.port, ca, caFile: ready.caFile, child, faults: control.faults, stop });
    });
  });
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

interface ReadyLine {
  url: string;
  port: number;
  caFile: string;
}

function parseReadyLine(line: string): ReadyLine | undefined {
  try {
    const r = JSON.parse(line) as Record<string, unknown>;
    const ok =
      r.event === 'ready' && typeof r.url === 'string' && typeof r.port === 'number' && typeof r.caFile === 'string';
    return ok ? (r as unknown as ReadyLine) : undefined;
  } catch {
    return undefined;
  }
}
