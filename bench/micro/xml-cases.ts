/**
 * Wire code on both sides of the XEP-0357 §5 publish: the App Server parses it from text, the
 * XMPP Server builds its summary and the stanza.
 */
import assert from 'node:assert/strict';
import { parsePublishRequest } from '../../src/app-server/publish-request.js';
import { NS } from '../../src/xmpp/namespaces.js';
import { parseStanza, strictParse } from '../../src/xmpp/parse.js';
import { DEFAULT_MAX_STANZA_DEPTH } from '../../src/xmpp/stanza-limits.js';
import { buildPublishStanza } from '../../src/xmpp-server/publish-stanza.js';
import { buildSummary, type SummaryOptions } from '../../src/xmpp-server/summary.js';
import type { MicroCase, MicroSuite } from './case.js';
import {
  APP_SERVER_JID,
  BODY,
  EXPECTED_PUBLISH,
  MAX_STANZA_BYTES,
  PUBLISH_IQ_TEXT,
  SENDER,
} from './publish-fixture.js';

const PUBLISH_BYTES = Buffer.byteLength(PUBLISH_IQ_TEXT);

/** The config defaults (xmpp_server.include_sender / include_body / body_max_chars). */
const SUMMARY_OPTIONS: SummaryOptions = { includeSender: true, includeBody: true, bodyMaxChars: 512 };

export function parseCases(): MicroSuite {
  const parseXml: MicroCase = {
    name: `parse XML (${PUBLISH_BYTES}-byte publish IQ)`,
    async: false,
    run: () => parseStanza(PUBLISH_IQ_TEXT, MAX_STANZA_BYTES),
    check() {
      const iq = parseStanza(PUBLISH_IQ_TEXT, MAX_STANZA_BYTES);
      assert.equal(iq.name, 'iq');
      assert.equal(iq.attrs.type, 'set');
      const publish = iq.getChild('pubsub', NS.PUBSUB)?.getChild('publish');
      assert.equal(publish?.attrs.node, EXPECTED_PUBLISH.node);
      // Nothing lost or added: the tree serialises back to the very same text.
      assert.equal(iq.toString().replaceAll('"', "'"), PUBLISH_IQ_TEXT);
    },
  };
  // What parseStanza costs for a stanza the common-stanza reader leaves aside (the fallback).
  const strictXml: MicroCase = {
    name: `parse XML, strict parser only (same IQ)`,
    async: false,
    run: () => strictParse(PUBLISH_IQ_TEXT, DEFAULT_MAX_STANZA_DEPTH),
    check() {
      assert.equal(strictParse(PUBLISH_IQ_TEXT, DEFAULT_MAX_STANZA_DEPTH).toString(), parseStanza(PUBLISH_IQ_TEXT, MAX_STANZA_BYTES).toString());
    },
  };
  const parseAndValidate: MicroCase = {
    name: 'parse + validate publish → PushPublish',
    async: false,
    run: () => parsePublishRequest(parseStanza(PUBLISH_IQ_TEXT, MAX_STANZA_BYTES), APP_SERVER_JID),
    check() {
      assert.deepEqual(parseAndValidate.run(), EXPECTED_PUBLISH);
    },
  };
  return { cases: [parseXml, strictXml, parseAndValidate], close: async () => {} };
}

export function buildCases(): MicroSuite {
  const message = { sender: SENDER, body: BODY };
  const summary: MicroCase = {
    name: 'build XEP-0357 summary',
    async: false,
    batch: 1_000,
    run: () => buildSummary(3, message, SUMMARY_OPTIONS),
    check() {
      assert.deepEqual(summary.run(), EXPECTED_PUBLISH.summary);
      // The privacy switches are honoured on the same path.
      assert.deepEqual(buildSummary(3, message, { ...SUMMARY_OPTIONS, includeSender: false, includeBody: false }), {
        'message-count': 3,
      });
    },
  };
  const stanza: MicroCase = {
    name: 'build publish stanza + toString()',
    async: false,
    run: () => buildPublishStanza(EXPECTED_PUBLISH, 'pub-7c1e').toString(),
    check() {
      const text = stanza.run() as string;
      // Round trip: what the XMPP Server sends is what the App Server reads.
      assert.deepEqual(parsePublishRequest(parseStanza(text, MAX_STANZA_BYTES), 'unused.example'), EXPECTED_PUBLISH);
      const iq = parseStanza(text, MAX_STANZA_BYTES);
      assert.equal(iq.attrs.id, 'pub-7c1e');
      assert.equal(iq.attrs.type, 'set');
    },
  };
  return { cases: [summary, stanza], close: async () => {} };
}
