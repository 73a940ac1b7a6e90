/**
 * A whole Herald engine (APNS simulator, REST port) in a process of its own, for the open-file
 * limit test: started under `ulimit -n`, it prints one JSON line {url, ca} on stdout, logs JSON
 * lines on stderr, and closes when stdin ends. Only the [rest] keys this version knows are set.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '../../../src/core/config/schema.js';
import type { Logger } from '../../../src/core/log.js';
import { cleanup, configIn, tempDir } from '../../e2e/harness.js';
import { startHeraldOnSimulators } from '../../support/on-simulators.js';

// `node --test dist/test/` runs every .js file under it: started that way (not by its test), this
// child has nothing to serve and ends at once.
if (process.env.HERALD_TEST_CHILD !== '1') process.exit(0);

const wanted: Record<string, number> = JSON.parse(process.argv[2] ?? '{}') as Record<string, number>;
const known = new Set(Object.keys(configSchema.parse({}).rest));
const rest = Object.fromEntries(Object.entries(wanted).filter(([key]) => known.has(key)));

const line = (level: string) => (event: string, fields?: Record<string, unknown>) => {
  const error = fields?.error instanceof Error ? { error: `${(fields.error as NodeJS.ErrnoException).code ?? ''} ${fields.error.message}` } : {};
  process.stderr.write(`${JSON.stringify({ level, event, ...fields, ...error })}\n`);
};
const logger: Logger = { debug: () => undefined, info: line('info'), warn: line('warn'), error: line('error') };

const dir = tempDir();
const config = configIn(dir, { rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls'), ...rest } });
const { herald, close } = await startHeraldOnSimulators({ config, host: { route: () => undefined }, logger });
process.stdout.write(`${JSON.stringify({ url: herald.rest!.url, ca: readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8') })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void close().finally(() => cleanup(dir));
});
