/**
 * The error registry (src/core/errors.ts) against what it decides and documents: every code says
 * how REST, a stanza error and a stream error answer it, those answers are what clients get, every
 * code is thrown somewhere, and the README's table of codes is the registry's. (The OpenAPI side:
 * test/rest/openapi.test.ts.)
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { streamErrorCondition } from '../../src/component/stream-errors.js';
import { ERRORS, HeraldError, type ErrorCode, type ErrorSpec } from '../../src/core/errors.js';
import type { PushFailureReason } from '../../src/push-service/notification.js';
import { IDEMPOTENCY_ANSWERS } from '../../src/rest/idempotency/idempotency-answers.js';
import { V3_FAILURES } from '../../src/rest/v3-responses.js';
import { toStanzaError } from '../../src/xmpp/stanza-error.js';
import { XmlViolation } from '../../src/xmpp/xml-violation.js';
import { CLIENTS, startTestServer, type TestServer } from '../rest/rest-test-kit.js';

const ROOT = new URL('../../../', import.meta.url);
const CODES = Object.keys(ERRORS) as ErrorCode[];
const spec = (code: ErrorCode): ErrorSpec => ERRORS[code];
/** The REST port's own Idempotency-Key answers: reason → status. */
const OWN_ANSWERS = new Map(Object.values(IDEMPOTENCY_ANSWERS).map((a) => [(JSON.parse(a.body) as { reason: string }).reason, a.status]));
/** Codes a dispatcher may throw: a MongoosePush reason, or none. */
const DISPATCHER_CODES = CODES.filter((code) => !OWN_ANSWERS.has(spec(code).rest?.reason ?? ''));

/** What a throw of a code gets when the registry gives it no answer of the kind. */
const REST_ANYTHING_ELSE = { status: 500, reason: 'request_timeout' };
const XMPP_UNEXPECTED = 'wait/internal-server-error';

const restCell = (s: ErrorSpec) => (s.rest ? `${s.rest.status} \`${s.rest.reason}\`` : '—');
const xmppCell = (s: ErrorSpec) => (s.xmpp ? `\`${s.xmpp.type}/${s.xmpp.condition}\`` : '—');
const streamCell = (s: ErrorSpec) => (s.stream ? `\`${s.stream}\`` : '—');

describe('the error registry', () => {
  test('every code states its meaning and decides its REST, XMPP and stream answers (null: never reached)', () => {
    for (const code of CODES) {
      const s = spec(code) as Partial<ErrorSpec>;
      assert.ok(typeof s.meaning === 'string' && s.meaning.length > 10, `${code} says what it means`);
      assert.notEqual(s.rest, undefined, `${code} decides its REST answer`);
      assert.notEqual(s.xmpp, undefined, `${code} decides its XMPP answer`);
      assert.notEqual(s.stream, undefined, `${code} decides its stream error`);
    }
  });

  test("a code's REST status is the one v3 gives its reason, or the one the REST port answers an Idempotency-Key refusal with", () => {
    for (const code of CODES) {
      const rest = spec(code).rest;
      if (rest) assert.equal(V3_FAILURES[rest.reason as PushFailureReason]?.status ?? OWN_ANSWERS.get(rest.reason), rest.status, code);
    }
    assert.equal(OWN_ANSWERS.size, 4, 'every Idempotency-Key refusal has its code');
  });

  test('a handler throwing a code is answered with its stanza error; a code without one with wait/internal-server-error', () => {
    for (const code of CODES) {
      const { xmpp } = spec(code);
      const e = toStanzaError(new HeraldError(code, 'some detail'));
      assert.equal(`${e.type}/${e.condition}`, xmpp ? `${xmpp.type}/${xmpp.condition}` : XMPP_UNEXPECTED, code);
      assert.equal(e.text, xmpp?.text, `${code}: the registry's text, never the detail`);
    }
  });

  test("a host is told a refusal's stream error by its code; an XmlViolation names its own", () => {
    for (const code of CODES) assert.equal(streamErrorCondition(new HeraldError(code)), spec(code).stream ?? undefined, code);
    assert.equal(streamErrorCondition(new XmlViolation('restricted-xml', 'a comment')), 'restricted-xml');
  });

  test("every code's stanza error is wait but a stanza over a limit's: no failure of Herald's disables a registration", () => {
    const notWait = CODES.filter((code) => (spec(code).xmpp?.type ?? 'wait') !== 'wait');
    assert.deepEqual(notWait, ['HERALD_STANZA_TOO_LARGE', 'HERALD_STANZA_TOO_DEEP']);
  });

  test('every code is thrown somewhere in src/ (a code never thrown is removed)', () => {
    const sources = tsFiles(new URL('src/', ROOT)).filter((path) => !path.endsWith('/core/errors.ts'));
    const text = sources.map((path) => readFileSync(path, 'utf8')).join('\n');
    for (const code of CODES) assert.ok(text.includes(`'${code}'`), `${code} is used outside the registry`);
  });
});

describe('a dispatcher throwing a code, over REST', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test("is answered with the code's v3 status and reason; a code without one with the 500 request_timeout row", async () => {
    for (const code of DISPATCHER_CODES) {
      t.dispatcher.throws = new HeraldError(code);
      const answer = await CLIENTS[1].request(t, { path: '/v3/notification/f53453455', body: '{"service":"apns","alert":{"title":"t","body":"b"}}' });
      const expected = spec(code).rest ?? REST_ANYTHING_ELSE;
      assert.deepEqual({ status: answer.status, body: answer.body }, { status: expected.status, body: JSON.stringify({ reason: expected.reason }) }, code);
    }
  });
});

describe("the README's table of error codes", () => {
  const rows = readmeRows();

  test('lists every code of the registry, and no other', () => {
    assert.deepEqual([...rows.keys()].sort(), [...CODES].sort());
  });

  test("gives each code the registry's REST, XMPP and stream answers", () => {
    for (const [code, cells] of rows) {
      const s = ERRORS[code as ErrorCode];
      if (!s) continue; // reported by the test above
      assert.deepEqual(cells, { rest: restCell(s), xmpp: xmppCell(s), stream: streamCell(s) }, code);
    }
  });
});

interface Cells {
  rest: string;
  xmpp: string;
  stream: string;
}

/** The rows of the table under "## Error codes": code → its answer cells. */
function readmeRows(): Map<string, Cells> {
  const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
  const start = readme.indexOf('\n## Error codes\n');
  assert.ok(start >= 0, 'the README has an "Error codes" section');
  const section = readme.slice(start + 1, readme.indexOf('\n## ', start + 1));
  const rows = new Map<string, Cells>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const code = /^`(HERALD_[A-Z_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (code) rows.set(code, { rest: cells[2]!, xmpp: cells[3]!, stream: cells[4]! });
  }
  return rows;
}

function tsFiles(dir: URL): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => `${entry.parentPath ?? entry.path}/${entry.name}`);
}
