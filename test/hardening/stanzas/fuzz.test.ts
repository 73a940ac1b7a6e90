/**
 * Property-based fuzzing (fast-check) of both ways in: real stanzas (enable, disable, publish,
 * node creation, disco) mutated at random, random element trees, random bytes. For each input,
 * Herald does what its reader says the input is, never more, never less, and never crashes:
 * - an IQ get/set that reads as a stanza is answered once, with its id (result or error);
 * - an IQ get/set over a limit is answered modify/policy-violation;
 * - XML that cannot be read is refused (HERALD_XML_MALFORMED embedded; on the stream, the stream
 *   error of the reader's condition, and the component joins again);
 * - anything else is taken without an answer (or refused with the limit's code, embedded);
 * and a normal publish is served afterwards. The reader itself is checked by the corpus; here
 * the point is that no input takes any other path through Herald. Runs are bounded in count and
 * in time.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Element } from '@xmpp/xml';
import { isHeraldError } from '../../../src/core/errors.js';
import { isIqRequest } from '../../../src/xmpp/iq.js';
import { parseStanza } from '../../../src/xmpp/parse.js';
import { StanzaOverLimit } from '../../../src/xmpp/stanza-limits.js';
import { StreamParser } from '../../../src/xmpp/stream-parser.js';
import { XmlViolation } from '../../../src/xmpp/xml-violation.js';
import { CUTOFF_BYTES, MAX_BYTES, MAX_DEPTH } from './corpus.js';
import { DOMAIN, EmbeddedRig, errorOf, freshId, NS_STREAMS, OWNER, StreamRig } from './harness.js';
import { eventually } from '../../support/eventually.js';
import { mutatedStanza, randomBytes, treeStanza, withId } from './stanza-arbitraries.js';

const LIMITS = { maxBytes: MAX_BYTES, maxDepth: MAX_DEPTH };
/** Each property stops after this long, whatever its run count (CI time stays bounded). */
const TIME_LIMIT_MS = 10_000;

// Inputs: stanza-arbitraries.ts.

// ── The embedding API ──────────────────────────────────────────────────────────────────────
/** What `handleStanza(text)` must do, by what the stanza reader makes of the text. */
type Expected = { answer: 'any' | 'policy-violation' } | { answer: 'none' } | { rejects: string };
function expectedEmbedded(text: string): { id: string | undefined; expected: Expected } {
  try {
    const stanza = parseStanza(text, LIMITS);
    return { id: stanza.attrs.id as string | undefined, expected: isIqRequest(stanza) ? { answer: 'any' } : { answer: 'none' } };
  } catch (e) {
    if (e instanceof StanzaOverLimit && e.head && isIqRequest(e.head)) return { id: e.head.attrs.id as string | undefined, expected: { answer: 'policy-violation' } };
    if (e instanceof StanzaOverLimit || e instanceof XmlViolation) return { id: undefined, expected: { rejects: e.code } };
    throw e;
  }
}

describeEmbedding();
function describeEmbedding(): void {
  let rig: EmbeddedRig;
  before(async () => {
    rig = await EmbeddedRig.start();
  });
  after(async () => {
    await rig.close();
  });

  const check = async (input: string | Buffer): Promise<void> => {
    const built = withId(input, freshId('f'));
    const text = typeof built === 'string' ? built : built.toString('latin1');
    const { id, expected } = expectedEmbedded(text);
    const before = rig.routed.length;
    let failure: unknown;
    let rejected = false;
    try {
      await rig.herald.handleStanza(text);
    } catch (e) {
      failure = e;
      rejected = true;
    }
    if ('rejects' in expected) {
      assert.ok(rejected && isHeraldError(failure, expected.rejects as never), `expected ${expected.rejects}, got ${rejected ? String(failure) : 'no rejection'}`);
      return;
    }
    assert.equal(rejected, false, `rejected: ${String(failure)}`);
    const answers = rig.routed.slice(before).filter((el) => el.attrs.id === id);
    if (expected.answer === 'none') return;
    assert.equal(answers.length, 1, `one answer to ${String(id)}: ${answers.map(String).join(' ')}`);
    assert.ok(['result', 'error'].includes(answers[0]!.attrs.type as string));
    if (expected.answer === 'policy-violation') assert.equal(errorOf(answers[0]!), 'modify/policy-violation');
  };

  for (const [name, input, runs] of [
    ['mutated real stanzas', mutatedStanza, 400],
    ['random element trees', treeStanza, 300],
    ['random bytes', randomBytes, 200],
  ] as const) {
    test(`through the embedding API, ${name} are answered, refused or taken as the reader says, and a publish is served after them`, async () => {
      await fc.assert(fc.asyncProperty(input as fc.Arbitrary<string | Buffer>, check), { numRuns: runs, interruptAfterTimeLimit: TIME_LIMIT_MS, includeErrorInReport: true });
      await rig.publishServed();
    });
  }
}

// ── The component stream ───────────────────────────────────────────────────────────────────
const HEADER = "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:component:accept' id='fuzz'>";
/**
 * Written after each input, on the stream as to the reader: an IQ result Herald takes without an
 * answer. It completes what the input left pending (text or bytes read only once more arrive),
 * and tells whether the stream is between stanzas again (the reader reads it as a stanza).
 */
const SYNC = Buffer.from("<iq type='result' id='sync'/>");

/** What the link must do with `bytes`, by what a fresh stream reader makes of them. */
interface StreamExpected {
  /** Ids of IQ get/set that must be answered, and how. */
  answers: Map<string | undefined, 'any' | 'policy-violation'>;
  /**
   * The stream error conditions right for the input. Input with two faults gets the condition of
   * the one read first, which can depend on where TCP cuts it (bytes that are not UTF-8 are seen
   * when the next bytes arrive): both the whole and the byte-by-byte reading count.
   */
  streamErrors: Set<string>;
  /** The stream is between stanzas afterwards (else the test resynchronises by reconnecting). */
  inStep: boolean;
  ended: boolean;
}
function expectedOnStream(bytes: Buffer): StreamExpected {
  const whole = readStream([Buffer.concat([bytes, SYNC])]);
  const byByte = readStream([...Buffer.concat([bytes, SYNC])].map((b) => Buffer.from([b])));
  for (const condition of byByte.streamErrors) whole.streamErrors.add(condition);
  return whole;
}

function readStream(chunks: Buffer[]): StreamExpected {
  const reader = new StreamParser({ ...LIMITS, cutoffBytes: CUTOFF_BYTES });
  const out: StreamExpected = { answers: new Map(), streamErrors: new Set(), inStep: false, ended: false };
  reader.on('element', (el: Element) => {
    if (el.attrs.id === 'sync') out.inStep = true;
    else if (isIqRequest(el)) out.answers.set(el.attrs.id as string | undefined, 'any');
  });
  reader.on('over-limit', (r) => r.head && isIqRequest(r.head) && out.answers.set(r.head.attrs.id as string | undefined, 'policy-violation'));
  reader.on('error', (e) => out.streamErrors.add(e.condition));
  reader.on('end', () => (out.ended = true));
  reader.write(Buffer.from(HEADER));
  for (const chunk of chunks) reader.write(chunk);
  return out;
}

describeStream();
function describeStream(): void {
  let rig: StreamRig;
  before(async () => {
    rig = await StreamRig.start();
  });
  after(async () => {
    await rig.close();
  });

  const check = async (input: string | Buffer): Promise<void> => {
    await eventually(() => rig.link.state === 'online', 'the component online', 15_000);
    const built = withId(input, freshId('s'));
    const bytes = typeof built === 'string' ? Buffer.from(built) : built;
    const expected = expectedOnStream(bytes);
    const { onlines } = rig.link.stats;
    const answers = new Map<string | undefined, Element>();
    const onStanza = (el: Element): void => void (expected.answers.has(el.attrs.id as string) && answers.set(el.attrs.id as string, el));
    rig.server.on('stanza', onStanza);
    const streamError = expected.streamErrors.size > 0 ? rig.server.next('stream-error') : undefined;
    try {
      rig.server.write(Buffer.concat([bytes, SYNC]));
      await eventually(() => answers.size === expected.answers.size, `answers to ${[...expected.answers.keys()].join(', ')}`, 15_000);
      for (const [id, how] of expected.answers) {
        const answer = answers.get(id)!;
        assert.ok(['result', 'error'].includes(answer.attrs.type as string));
        if (how === 'policy-violation') assert.equal(errorOf(answer), 'modify/policy-violation');
      }
      if (streamError) {
        const [error] = await streamError;
        const condition = error.children.find((c): c is Element => typeof c === 'object' && c.attrs.xmlns === NS_STREAMS && c.name !== 'text');
        assert.ok(condition && expected.streamErrors.has(condition.name), `stream error ${[...expected.streamErrors].join(' or ')}: ${String(error)}`);
        await rig.rejoined(onlines);
      } else if (expected.ended || !expected.inStep) {
        // The peer ended its stream, or left a stanza open: start again on a new connection.
        if (!expected.ended) rig.server.dropAll();
        await rig.rejoined(onlines);
      } else {
        await rig.publishServed();
        assert.equal(rig.link.stats.onlines, onlines, 'the stream stayed up');
      }
    } catch (e) {
      // A new connection for the next run, so that fast-check's shrinking replays on a clean stream.
      const now = rig.link.stats.onlines;
      rig.server.dropAll();
      await rig.rejoined(now);
      throw e;
    } finally {
      rig.server.off('stanza', onStanza);
    }
  };

  for (const [name, input, runs] of [
    ['mutated real stanzas', mutatedStanza, 60],
    ['random element trees', treeStanza, 40],
    ['random bytes', randomBytes, 40],
  ] as const) {
    test(`on the component stream, ${name} are answered or refused as the reader says, and a publish is served after them`, async () => {
      await fc.assert(fc.asyncProperty(input as fc.Arbitrary<string | Buffer>, check), { numRuns: runs, interruptAfterTimeLimit: TIME_LIMIT_MS, includeErrorInReport: true });
      await eventually(() => rig.link.state === 'online', 'the component online', 15_000);
      await rig.publishServed();
    });
  }
}
