/**
 * Whether a fixed port is free, found out by listening on it and closing at once: `herald start`
 * runs it before anything starts, so a port in use ends the start with its key named instead of
 * after the simulators came up. (Not in `check-config`: a running Herald holds its own ports.)
 */
import { createServer } from 'node:net';

/** Why `host:port` cannot be listened on now, or undefined when it can. */
export function portProblem(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (e: NodeJS.ErrnoException) => resolve(describeListenError(e)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** listen(2) errors in an operator's words. */
export function describeListenError(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'EADDRINUSE':
      return 'is already in use by another process (another Herald or MongoosePush?)';
    case 'EACCES':
      return 'needs privileges: ports below 1024 need root or CAP_NET_BIND_SERVICE';
    case 'EADDRNOTAVAIL':
      return 'is not an address of this host';
    default:
      return `cannot be listened on: ${e.message}`;
  }
}
