/**
 * Child process of kill9-durability.test.ts: Herald (embedding API, LMDB in `dir`) enabling push
 * for users `<prefix>-<i>@localhost` as fast as it can, until it is killed. Each enable whose
 * result IQ Herald routed — the promise that the registration is durable — is written to stdout
 * as `ack <i>` at once (writes to a pipe are synchronous on Linux, so the parent has every line
 * the child wrote before it died).
 *
 *   node enable-storm-child.js <dir> <prefix>
 */
import { Herald } from '../../../src/embed/engine.js';
import { enableText, REMOTE_PUBSUB, rolesConfig } from './harness.js';

// `node --test dist/test/` runs every .js file under it: started that way (not by its test), this
// child has nothing to serve and ends at once.
if (process.env.HERALD_TEST_CHILD !== '1') process.exit(0);

/** Enables in flight at once, so that many share each LMDB commit. */
const WINDOW = 500;

async function main(): Promise<void> {
  const [dir, prefix] = process.argv.slice(2);
  if (!dir || !prefix) throw new Error('usage: enable-storm-child.js <dir> <prefix>');
  let settle: (() => void) | undefined;
  let pending = 0;
  const herald = await Herald.start({
    config: rolesConfig(dir),
    host: {
      route(stanza) {
        const id = stanza.attrs.id as string;
        if (stanza.attrs.type === 'result') process.stdout.write(`ack ${id}\n`);
        else process.stdout.write(`refused ${id} ${stanza.toString()}\n`);
        if (--pending === 0) settle?.();
      },
    },
  });
  console.log('ready');
  for (let i = 0; ; i += WINDOW) {
    const done = new Promise<void>((resolve) => (settle = resolve));
    pending = WINDOW;
    for (let j = i; j < i + WINDOW; j++) {
      void herald.handleStanza(enableText(`${prefix}-${j}@localhost`, REMOTE_PUBSUB, `node-${j}`).replace("id='ID'", `id='${j}'`));
    }
    await done;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
