/**
 * The standalone command: `herald start --config herald.toml` with `[component] enabled` joins a
 * real Prosody and serves the REST API at the same time, and stops cleanly on SIGTERM.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectUser, disconnect, discoInfo, withTimeout } from '../xmpp-clients.js';
import { renderTemplate } from '../server-process.js';
import { COMPONENT_DOMAIN, HERALD_TOML_TEMPLATE, ProsodyServer, USER_DOMAIN } from './prosody-server.js';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));
const SECRET = 'cli-component-secret';
/** ms for `herald start` to be up and joined (LMDB, simulators, REST, the handshake) on a loaded machine. */
const STARTUP_TIMEOUT_MS = 30_000;
/** ms for `herald start` to close everything after SIGTERM. */
const SHUTDOWN_TIMEOUT_MS = 15_000;

test('herald start joins Prosody as a component and serves the REST API, until SIGTERM', async () => {
  const prosody = await ProsodyServer.start(SECRET);
  const dir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
  let child: ChildProcess | undefined;
  try {
    prosody.register('bob', 'bob-pw');
    const config = join(dir, 'herald.toml');
    writeFileSync(
      config,
      renderTemplate(readFileSync(HERALD_TOML_TEMPLATE, 'utf8'), { DIR: dir, COMPONENT_SERVICE: prosody.componentService, COMPONENT_SECRET: SECRET }),
    );
    child = spawn(process.execPath, [MAIN, 'start', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = collect(child);
    const restUrl = (await withTimeout(output.waitFor('stdout', /REST API: (https:\/\/\S+?)\/v3/), STARTUP_TIMEOUT_MS, 'herald start prints its REST API'))[1]!;
    await withTimeout(output.waitFor('stderr', /"event":"component\.online"/), STARTUP_TIMEOUT_MS, 'herald start joins Prosody');

    const bob = await connectUser({ service: prosody.c2sService, domain: USER_DOMAIN, username: 'bob', password: 'bob-pw', resource: 'cli' });
    try {
      const identity = (await discoInfo(bob, COMPONENT_DOMAIN)).getChild('query')?.getChild('identity');
      assert.deepEqual([identity?.attrs.category, identity?.attrs.type], ['pubsub', 'push']);
    } finally {
      await disconnect(bob);
    }
    assert.equal(await healthcheckStatus(restUrl), 200);

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await withTimeout(exited, SHUTDOWN_TIMEOUT_MS, 'herald start exits after SIGTERM')) as [number | null];
    assert.equal(code, 0, output.text('stderr'));
    assert.match(output.text('stderr'), /"event":"component\.stopped"/);
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await prosody.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The child's output, and waits for a line matching a pattern. */
function collect(child: ChildProcess) {
  const texts = { stdout: '', stderr: '' };
  const waiters: Array<{ stream: 'stdout' | 'stderr'; pattern: RegExp; resolve: (m: RegExpExecArray) => void }> = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]!.setEncoding('utf8');
    child[stream]!.on('data', (chunk: string) => {
      texts[stream] += chunk;
      for (const w of [...waiters]) {
        const match = w.stream === stream ? w.pattern.exec(texts[stream]) : null;
        if (match) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(match);
        }
      }
    });
  }
  return {
    text: (stream: 'stdout' | 'stderr') => texts[stream],
    waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpExecArray> {
      const match = pattern.exec(texts[stream]);
      if (match) return Promise.resolve(match);
      return new Promise((resolve) => waiters.push({ stream, pattern, resolve }));
    },
  };
}

async function healthcheckStatus(url: string): Promise<number> {
  const session = http2.connect(url, { rejectUnauthorized: false }); // the generated self-signed certificate
  try {
    session.on('error', () => {});
    const req = session.request({ ':path': '/healthcheck' });
    req.resume();
    const [headers] = (await withTimeout(once(req, 'response'), 10_000, 'GET /healthcheck')) as [http2.IncomingHttpHeaders];
    return Number(headers[':status']);
  } finally {
    session.close();
  }
}
