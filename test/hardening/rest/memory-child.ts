/**
 * A REST server with its default configuration in a process of its own (started with
 * --expose-gc), for memory measurements that the attacking client's own buffers cannot blur.
 * Prints one JSON line {port, ca}; then answers each "measure" line on stdin with a JSON line of
 * its memory after a full GC, and "gauges" with the server's gauges. Ends when stdin ends.
 */
import { createInterface } from 'node:readline';
import { configSchema } from '../../../src/core/config/schema.js';
import { startRestServer } from '../../../src/rest/server.js';
import { ProgrammedDispatcher, testTlsPair } from '../../rest/rest-test-kit.js';

// `node --test dist/test/` runs every .js file under it: started that way (not by its test), this
// child has nothing to serve and ends at once.
if (process.env.HERALD_TEST_CHILD !== '1') process.exit(0);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

const tls = await testTlsPair();
const config = { ...configSchema.parse({}).rest, bind: '127.0.0.1', port: 0 };
const server = await startRestServer({ config, dispatcher: new ProgrammedDispatcher(), tls });
process.stdout.write(`${JSON.stringify({ port: server.port, ca: tls.cert, rest: config })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'measure') {
    gc();
    gc();
    const m = process.memoryUsage();
    process.stdout.write(`${JSON.stringify({ heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, external: m.external, rss: m.rss })}\n`);
  } else if (line === 'gauges') {
    process.stdout.write(`${JSON.stringify((server as { gauges?: unknown }).gauges ?? {})}\n`);
  }
}
await server.close();
