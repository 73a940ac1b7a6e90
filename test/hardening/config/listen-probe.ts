/**
 * Loaded into a `herald` child with `--import`: appends one line per `listen()` call to the file
 * named by HERALD_TEST_LISTEN_LOG, so a test can tell whether anything started listening before
 * the command failed. Every TCP/TLS/HTTP/2 server listens through net.Server.prototype.listen.
 */
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const log = process.env.HERALD_TEST_LISTEN_LOG;
if (log) {
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
    appendFileSync(log, `${JSON.stringify(args[0] ?? null)}\n`);
    return (listen as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof listen;
}
