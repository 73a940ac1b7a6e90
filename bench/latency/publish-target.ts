/**
 * The component path's requests: XEP-0357 §7 publish IQs (as src/xmpp-server/publish-stanza.ts
 * builds them, from the users' server `localhost`) written by the bench's XMPP server to Herald,
 * round-robin over push nodes created first. A publish counts as answered when its IQ result (or
 * error) comes back over the stream — Herald sends the result only after APNS answered 200.
 * IQ ids are unique per request, so answers match whatever their order (RFC 6120 §8.2.3).
 * `enables` drives creates of new push nodes the same way (bench/instances.ts).
 */
import type { Element } from '@xmpp/xml';
import { mark, tracing } from '../../src/core/latency-trace.js';
import { buildPublishStanza } from '../../src/xmpp-server/publish-stanza.js';
import type { ComponentServer } from './component-server.js';
import { failed, OK, type Outcome, type Target } from './target.js';

/** The users' server: the domain publishes come from and node owners live on. */
const USERS_DOMAIN = 'localhost';
const TOKEN = 'ab'.repeat(32);
const TOPIC = 'com.example.herald';
/** Stands for the IQ id in a prebuilt stanza text; attribute-safe, so the builder leaves it as is. */
const ID_MARK = 'ID-MARK-4b1d';
/** Node creations in flight at once while preparing. */
const CREATE_WINDOW = 50;

type Done = (outcome: Outcome) => void;

export class PublishTarget implements Target {
  private seq = 0;
  private readonly pending = new Map<string, Done>();
  /** Each node's publish text, split around its id. */
  private readonly texts: Array<[string, string]>;

  constructor(
    private readonly server: ComponentServer,
    private readonly nodes: number,
  ) {
    server.onStanza = (el) => this.received(el);
    server.onDisconnect = () => {
      for (const done of this.pending.values()) done(failed('component stream closed'));
      this.pending.clear();
    };
    this.texts = Array.from({ length: nodes }, (_, i) => splitAtId(publishText(server.domain, i)));
  }

  /** Creates the push nodes the publishes go to (owner i creates node-i), checking each result. */
  async createNodes(): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < this.nodes) {
        const i = next++;
        const id = `c${i}`;
        const outcome = await new Promise<Outcome>((resolve) => this.create(`owner${i}`, `node-${i}`, id, resolve));
        if (!outcome.ok) throw new Error(`creating node-${i}: ${outcome.reason}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CREATE_WINDOW, this.nodes) }, worker));
  }

  send(done: Done): void {
    const n = this.seq++;
    const id = `p${n}`;
    const [before, after] = this.texts[n % this.nodes]!;
    this.pending.set(id, done);
    if (tracing) mark('bench.sent', id);
    this.write(before + id + after, id);
  }

  /**
   * A device's first enable as the App Server sees it: an XEP-0060 create of a new push node
   * (`enable-N`, owned by `deviceN@localhost`), answered once the node is stored.
   */
  readonly enables: Target = {
    send: (done) => {
      const n = this.enablesSent++;
      this.create(`device${n}`, `enable-${n}`, `e${n}`, done);
    },
  };
  private enablesSent = 0;

  /** Publishes written and not yet answered. */
  get outstanding(): number {
    return this.pending.size;
  }

  private create(owner: string, node: string, id: string, done: Done): void {
    this.pending.set(id, done);
    this.write(
      `<iq type='set' id='${id}' from='${owner}@${USERS_DOMAIN}/bench' to='${this.server.domain}'>` +
        `<pubsub xmlns='http://jabber.org/protocol/pubsub'><create node='${node}' type='push'/></pubsub></iq>`,
      id,
    );
  }

  private write(text: string, id: string): void {
    if (this.server.write(text)) return;
    const done = this.pending.get(id);
    this.pending.delete(id);
    process.nextTick(() => done?.(failed('no component online')));
  }

  private received(el: Element): void {
    if (el.name !== 'iq') return;
    const id = String(el.attrs.id);
    const done = this.pending.get(id);
    if (!done) return;
    if (tracing) mark('bench.answered', id);
    if (el.attrs.type === 'result') {
      this.pending.delete(id);
      return done(OK);
    }
    if (el.attrs.type === 'error') {
      this.pending.delete(id);
      const error = el.getChild('error');
      return done(failed(`iq error ${String(error?.attrs.type)}/${error?.getChildElements()[0]?.name ?? 'unknown'}`));
    }
  }
}

function publishText(componentDomain: string, node: number): string {
  return buildPublishStanza(
    {
      from: USERS_DOMAIN,
      to: componentDomain,
      node: `node-${node}`,
      summary: { 'message-count': 1, 'last-message-sender': 'romeo@localhost/orchard', 'last-message-body': 'Wherefore art thou, Romeo?' },
      publishOptions: { service: 'apns', device_id: TOKEN, topic: TOPIC },
    },
    ID_MARK,
  ).toString();
}

function splitAtId(text: string): [string, string] {
  const parts = text.split(ID_MARK);
  if (parts.length !== 2) throw new Error(`the publish text holds its id ${parts.length - 1} times`);
  return [parts[0]!, parts[1]!];
}
