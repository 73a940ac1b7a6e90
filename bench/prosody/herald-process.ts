/**
 * Herald as an operator runs it: `herald start --config herald.toml` in its own process, joined
 * to the bench's Prosody as an XEP-0114 component, its APNS senders pointed at the bench's APNS
 * simulator (REST, FCM and the bundled simulators off). Its JSON log (stderr) is kept: the
 * warnings and errors it counts explain pushes that went missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDevApnsKey } from '../../src/push-service/apns/dev-key.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** ms for `herald start` to open LMDB, start its sender threads and finish the handshake on a busy machine. */
const STARTUP_TIMEOUT_MS = 30_000;
/** ms for Herald to close after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 15_000;
/** Log lines of level warn or error kept as examples for the report. */
const EXAMPLES_KEPT = 5;

export interface HeraldSettings {
  dir: string;
  componentService: string;
  componentDomain: string;
  componentSecret: string;
  apnsUrl: string;
  /** PEM of the APNS simulator's certificate. */
  apnsCa: string;
}

export interface HeraldProcess {
  child: ChildProcess;
  /** Count of warn/error log events by name (e.g. `component.offline`). */
  readonly problems: ReadonlyMap<string, number>;
  readonly examples: readonly string[];
  stop(): Promise<void>;
}

/** The config file (TOML) `herald start` runs with (pure). */
export function heraldToml(s: HeraldSettings, keyFile: string, caFile: string): string {
  const q = (v: string) => JSON.stringify(v); // a JSON string is a TOML basic string
  return `[store]
path = ${q(join(s.dir, 'lmdb'))}

[apns]
# Both pools (prod and dev) go to the bench's accept-all APNS simulator.
endpoint = ${q(s.apnsUrl)}
dev_endpoint = ${q(s.apnsUrl)}
ca_file = ${q(caFile)}
key_file = ${q(keyFile)}

[fcm]
enabled = false

[rest]
enabled = false

[simulators.apns]
enabled = false

[simulators.fcm]
enabled = false

[app_server]
jid = ${q(s.componentDomain)}

[component]
enabled = true
service = ${q(s.componentService)}
password = ${q(s.componentSecret)}
`;
}

export async function startHerald(s: HeraldSettings): Promise<HeraldProcess> {
  const keyFile = join(s.dir, 'apns.p8');
  // A throwaway .p8 key: the accept-all simulator does not check the tokens Herald signs with it.
  ensureDevApnsKey(keyFile);
  const caFile = join(s.dir, 'apns-ca.pem');
  writeFileSync(caFile, s.apnsCa);
  const config = join(s.dir, 'herald.toml');
  writeFileSync(config, heraldToml(s, keyFile, caFile));

  const child = spawn(process.execPath, [MAIN, 'start', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = once(child, 'exit');
  const problems = new Map<string, number>();
  const examples: string[] = [];
  let tail = '';
  let online: (() => void) | undefined;
  let pending = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      tail = (tail + line + '\n').slice(-4_000);
      const entry = parseLogLine(line);
      if (entry?.event === 'component.online') online?.();
      if (entry && (entry.level === 'warn' || entry.level === 'error')) {
        problems.set(entry.event, (problems.get(entry.event) ?? 0) + 1);
        if (examples.length < EXAMPLES_KEPT) examples.push(line);
      }
    }
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(kill);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`herald start did not join Prosody within ${STARTUP_TIMEOUT_MS} ms:\n${tail}`)), STARTUP_TIMEOUT_MS);
      online = () => {
        clearTimeout(timer);
        resolve();
      };
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`herald start exited (${child.exitCode ?? child.signalCode}) before joining Prosody:\n${tail}`));
      });
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { child, problems, examples, stop };
}

function parseLogLine(line: string): { level: string; event: string } | undefined {
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    return typeof entry.event === 'string' && typeof entry.level === 'string' ? { level: entry.level, event: entry.event } : undefined;
  } catch {
    return undefined;
  }
}
