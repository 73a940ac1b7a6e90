/**
 * What the sender benchmark's parent and its contestant processes say to each other over the
 * IPC channel of `child_process.fork`: one setup, then one run per round, then close.
 */

/** The three clients under test. */
export type ContestantKind = 'herald' | 'node-apn' | 'bare';

export const CONTESTANT_LABELS: Record<ContestantKind, string> = {
  herald: 'Herald',
  'node-apn': '@parse/node-apn',
  bare: 'bare node:http2',
};

/** Everything a contestant needs to reach the APNS server and send the benchmark's notifications. */
export interface ContestantSettings {
  /** https://127.0.0.1:PORT of the APNS server process (bench/shared/apns-server.ts). */
  url: string;
  /** The server's self-signed certificate (PEM file) to trust. */
  caFile: string;
  /** The .p8 key (PKCS#8 PEM) every contestant signs its provider token with. */
  keyFile: string;
  keyId: string;
  /** JWT `iss`. */
  teamId: string;
  connections: number;
  /** Streams per connection: Herald `apns.max_in_flight`, the bare loop's fixed count. */
  inFlightPerConnection: number;
  /** Notifications outstanding at once (Herald and node-apn; the bare loop has no queue). */
  window: number;
  /** Herald `apns.sender_threads`; undefined = Herald's default. */
  senderThreads: number | undefined;
}

/** One run of N notifications, as the contestant saw it. */
export interface RunResult {
  /** Notifications answered 200. */
  ok: number;
  /** Anything else: other statuses, resets, timeouts (must stay 0). */
  failed: number;
  /** Failures by status or reason, for the error message. */
  failures: Record<string, number>;
  /** Herald only: sends refused with HERALD_MAILBOX_FULL and retried (not failures). */
  refusals: number;
  ms: number;
  /** CPU time of the contestant's whole process (every thread, user + system) during the run. */
  cpuMs: number;
}

/** What each contestant module gives its process (contestant-main.ts). */
export interface Contestant {
  /** The process measures CPU around it (contestant-main.ts). */
  run(pushes: number, onProgress?: (done: number) => void): Promise<Omit<RunResult, 'cpuMs'>>;
  close(): Promise<void>;
}

export type ToContestant =
  | { type: 'setup'; settings: ContestantSettings }
  | { type: 'run'; pushes: number; label: string }
  | { type: 'close' };

export type FromContestant =
  | { type: 'ready' }
  | { type: 'done'; result: RunResult }
  | { type: 'failed'; message: string };
