/**
 * The APNS benchmark server as its own process (../shared/server-main.ts: the ready line,
 * stopping). Each line `stats` read on stdin is answered {"event":"stats","answered":…,"sessions":…,"open":…}.
 */
import { runMain, serveAsProcess } from '../shared/server-main.js';
import { parseBenchmarkCliArgs } from './cli-args.js';
import { startApnsBenchmarkServer } from './server.js';

runMain('apns-benchmark-server', async () => {
  const cli = parseBenchmarkCliArgs(process.argv.slice(2));
  const server = await startApnsBenchmarkServer(cli.server);
  serveAsProcess(server, {
    tempPrefix: 'herald-apns-bench-server-',
    stopOnStdinEnd: cli.stopOnStdinEnd,
    reply: (line) =>
      line.trim() === 'stats'
        ? { event: 'stats', ...server.stats }
        : { event: 'error', message: `unknown command ${JSON.stringify(line)}; the one command is: stats` },
  });
});
