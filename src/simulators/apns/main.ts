/**
 * The APNS simulator as its own process. Prints one JSON line on stdout once listening:
 *   {"event":"ready","url":"https://127.0.0.1:PORT","port":PORT,"caFile":"/tmp/…/ca.pem"}
 * then only one reply line per command read on stdin (commands.ts: fault modes at run time);
 * diagnostics go to stderr. SIGTERM or SIGINT closes it cleanly, and so does the end of stdin
 * with --stop-on-stdin-end.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseCliArgs } from './cli-args.js';
import { runCommand } from './commands.js';
import { startApnsSimulator } from './server.js';

async function main(): Promise<void> {
  const cli = parseCliArgs(process.argv.slice(2));
  const keys =
    cli.keyId !== undefined && cli.publicKeyFile !== undefined
      ? { [cli.keyId]: readFileSync(cli.publicKeyFile, 'utf8') }
      : undefined;
  if (keys === undefined && cli.clientCertificate === undefined && !cli.acceptAll) {
    process.stderr.write('apns-simulator: no --key-id/--public-key-file: every provider token will be refused\n');
  }
  const certificate = cli.clientCertificate;
  const simulator = await startApnsSimulator({
    ...cli.faults,
    host: cli.host,
    port: cli.port,
    acceptAll: cli.acceptAll,
    environment: cli.environment,
    teamId: cli.teamId,
    keys,
    certificates:
      certificate === undefined
        ? undefined
        : [{ certPem: readFileSync(certificate.certFile, 'utf8'), topics: certificate.topics, environment: certificate.environment }],
    // Nobody can read records out of this process; keep only the counters.
    record: false,
  });
  const dir = mkdtempSync(join(tmpdir(), 'herald-apns-sim-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, simulator.ca);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    process.stdin.destroy(); // an open stdin pipe would keep this process alive
    void simulator.close().then(() => rmSync(dir, { recursive: true, force: true }));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  if (cli.stopOnStdinEnd) {
    process.stdin.once('end', stop);
    process.stdin.once('error', stop);
    const commands = createInterface({ input: process.stdin });
    commands.on('line', (line) => {
      if (line.trim() !== '') process.stdout.write(`${JSON.stringify(runCommand(simulator.faults, line))}\n`);
    });
  }
  process.stdout.write(`${JSON.stringify({ event: 'ready', url: simulator.url, port: simulator.port, caFile })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`apns-simulator: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
