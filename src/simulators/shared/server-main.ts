/**
 * The child's side of server-process.ts: a started server run as its own process. It writes the
 * server certificate to a temporary file, prints the ready line
 *   {"event":"ready","url":"https://127.0.0.1:PORT","port":PORT,"caFile":"/tmp/…/ca.pem"}
 * and then one reply line per command read on stdin. SIGTERM or SIGINT closes it, and so does
 * the end of stdin with --stop-on-stdin-end. Diagnostics go to stderr.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ServedServer {
  url: string;
  port: number;
  /** The server certificate (PEM) clients must trust. */
  ca: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Start of the temporary folder's name (the certificate file's folder). */
  tempPrefix: string;
  /** --stop-on-stdin-end: stop when stdin ends, and read commands from it. */
  stopOnStdinEnd: boolean;
  /** The reply to a command line; undefined: no reply. */
  reply: (line: string) => object | undefined;
}

export function serveAsProcess(server: ServedServer, o: ServeOptions): void {
  const dir = mkdtempSync(join(tmpdir(), o.tempPrefix));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, server.ca);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    process.stdin.destroy(); // an open stdin pipe would keep this process alive
    void server.close().then(() => rmSync(dir, { recursive: true, force: true }));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  if (o.stopOnStdinEnd) {
    process.stdin.once('end', stop);
    process.stdin.once('error', stop);
    createInterface({ input: process.stdin }).on('line', (line) => {
      const reply = o.reply(line);
      if (reply !== undefined) printLine(reply);
    });
  }
  printLine({ event: 'ready', url: server.url, port: server.port, caFile });
}

/** Runs a process's main; a failure is one stderr line starting with `name`, and exit code 2. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    process.stderr.write(`${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  });
}

function printLine(value: object): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
