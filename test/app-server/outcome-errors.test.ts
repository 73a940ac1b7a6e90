import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { outcomeError } from '../../src/app-server/outcome-errors.js';
import { toStanzaError } from '../../src/xmpp/stanza-error.js';
import { HeraldError } from '../../src/core/errors.js';
import { TRANSIENT_REASONS, type PushFailureReason } from '../../src/push-service/notification.js';
import { NS } from '../../src/xmpp/namespaces.js';

const ALL_REASONS: PushFailureReason[] = [
  'invalid_request',
  'invalid_notification',
  'no_matching_pool',
  'unregistered',
  'payload_too_large',
  'too_many_requests',
  'service_internal',
  'internal_config',
  'unable_to_connect',
  'connection_lost',
  'unspecified',
  'request_timeout',
];

const errorFor = (reason: PushFailureReason) => outcomeError({ ok: false, reason, providerReason: 'X' })!;

describe('answering the XMPP server for a push outcome', () => {
  it('answers nothing when the push was accepted', () => {
    assert.equal(outcomeError({ ok: true, id: 'a' }), undefined);
  });

  it('answers an unregistered device with cancel/not-acceptable and device-not-registered', () => {
    const e = errorFor('unregistered');
    assert.equal(`${e.type}/${e.condition}`, 'cancel/not-acceptable');
    assert.deepEqual(e.appCondition, { name: 'device-not-registered', xmlns: NS.PUBSUB_ERRORS });
  });

  it('answers every transient reason with an error of type wait', () => {
    for (const reason of TRANSIENT_REASONS) assert.equal(errorFor(reason).type, 'wait', reason);
    assert.equal(errorFor('too_many_requests').condition, 'resource-constraint');
    assert.equal(errorFor('service_internal').condition, 'internal-server-error');
  });

  it('answers cancel only when the device token itself is dead or invalid', () => {
    const cancels = ALL_REASONS.filter((r) => errorFor(r).type === 'cancel').sort();
    assert.deepEqual(cancels, ['invalid_request', 'unregistered']);
    assert.equal(errorFor('invalid_request').condition, 'not-acceptable');
  });

  it('answers a payload too large with modify/not-acceptable', () => {
    const e = errorFor('payload_too_large');
    assert.equal(`${e.type}/${e.condition}`, 'modify/not-acceptable');
  });

  it('answers a full push service mailbox with wait/resource-constraint', () => {
    const e = toStanzaError(new HeraldError('HERALD_MAILBOX_FULL', 'sender-0'));
    assert.equal(`${e.type}/${e.condition}`, 'wait/resource-constraint');
  });

  it('answers an unexpected failure with wait/internal-server-error', () => {
    const e = toStanzaError(new TypeError('boom'));
    assert.equal(`${e.type}/${e.condition}`, 'wait/internal-server-error');
  });

  it('answers each push failure reason with its exact type, condition and application condition', () => {
    const answers = Object.fromEntries(
      ALL_REASONS.map((reason) => {
        const e = errorFor(reason);
        return [reason, `${e.type}/${e.condition}${e.appCondition ? `+${e.appCondition.name}` : ''}`];
      }),
    );
    assert.deepEqual(answers, {
      invalid_request: 'cancel/not-acceptable',
      invalid_notification: 'modify/bad-request',
      no_matching_pool: 'wait/service-unavailable',
      unregistered: 'cancel/not-acceptable+device-not-registered',
      payload_too_large: 'modify/not-acceptable',
      too_many_requests: 'wait/resource-constraint',
      service_internal: 'wait/internal-server-error',
      internal_config: 'wait/internal-server-error',
      unable_to_connect: 'wait/internal-server-error',
      connection_lost: 'wait/internal-server-error',
      unspecified: 'wait/internal-server-error',
      request_timeout: 'wait/internal-server-error',
    });
  });

  it('answers a stopping engine with wait/service-unavailable', () => {
    const e = toStanzaError(new HeraldError('HERALD_SHUTTING_DOWN'));
    assert.equal(`${e.type}/${e.condition}`, 'wait/service-unavailable');
  });
});
