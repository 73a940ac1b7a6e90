/**
 * The APNS simulator as its own process (../shared/server-main.ts: the ready line, stopping).
 * Each non-empty line read on stdin is a command (commands.ts: fault modes at run time),
 * answered with one reply line.
 */
import { readFileSync } from 'node:fs';
import { runMain, serveAsProcess } from '../shared/server-main.js';
import { parseCliArgs } from './cli-args.js';
import { runCommand } from './commands.js';
import { startApnsSimulator } from './server.js';

runMain('apns-simulator', async () => {
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
  serveAsProcess(simulator, {
    tempPrefix: 'herald-apns-sim-',
    stopOnStdinEnd: cli.stopOnStdinEnd,
    reply: (line) => (line.trim() === '' ? undefined : runCommand(simulator.faults, line)),
  });
});
