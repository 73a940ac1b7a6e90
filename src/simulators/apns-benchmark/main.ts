/**
 * The APNS benchmark server as its own process. Prints one JSON line on stdout once listening:
 *   {"event":"ready","url":"https://127.0.0.1:PORT","port":PORT,"caFile":"/tmp/…/ca.pem"}
 * then, for each line `stats` read on stdin, one line {"event":"stats","answered":…,"sessions":…,"open":…}.
 * Diagnostics go to stderr. SIGTERM or SIGINT closes it, and so does the end of stdin with
 * --stop-on-stdin-end.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseBenchmarkCliArgs } from './cli-args.js';
import { startApnsBenchmarkServer } from './server.js';

async function main(): Promise<void> {
  const cli = parseBenchmarkCliArgs(process.argv.slice(2));
  const server = await startApnsBenchmarkServer(cli.server);
  const dir = mkdtempSync(join(tmpdir(), 'herald-apns-bench-server-'));
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
  if (cli.stopOnStdinEnd) {
    process.stdin.once('end', stop);
    process.stdin.once('error', stop);
    createInterface({ input: process.stdin }).on('line', (line) => {
      const reply =
        line.trim() === 'stats'
          ? { event: 'stats', ...server.stats }
          : { event: 'error', message: `unknown command ${JSON.stringify(line)}; the one command is: stats` };
      process.stdout.write(`${JSON.stringify(reply)}\n`);
    });
  }
  process.stdout.write(`${JSON.stringify({ event: 'ready', url: server.url, port: server.port, caFile })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`apns-benchmark-server: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
