/**
 * Herald as the App Server of a real ejabberd 23.01 (Debian's package, its own mod_push), joined
 * as an XEP-0114 component (ejabberd_service), with real clients on ejabberd's c2s port. The
 * tests run in order on one ejabberd and one Herald: each starts from what the previous left.
 *
 * What ejabberd's mod_push does, as observed on Debian's 23.01, and what the assertions rely on:
 * - it publishes from its domain JID (`localhost`) for a message stored offline (mod_offline)
 *   and for a message queued in a hibernated XEP-0198 session (mod_stream_mgmt), with a summary
 *   whose last-message-body is `include_body` ("New message" in ejabberd.yml);
 * - on an error answer that is not of type `wait` it removes the registration at once (no error
 *   count, unlike Prosody's mod_cloud_notify) and logs "push.localhost rejected notification
 *   for JID (NODE), disabling push: REASON";
 * - while no component is connected, ejabberd answers the publish itself with auth/forbidden
 *   (s2s_access: none), so an outage of Herald also removes registrations;
 * - registrations are kept in Mnesia on disk, so they survive a restart of ejabberd.
 */
import assert from 'node:assert/strict';
import { NODE_B, pushScenarios } from '../push-scenarios.js';
import { COMPONENT_DOMAIN, EjabberdServer, USER_DOMAIN } from './ejabberd-server.js';

const ALICE = `alice@${USER_DOMAIN}`;

pushScenarios({
  name: 'ejabberd',
  start: (secret) => EjabberdServer.start(secret),
  componentDomain: COMPONENT_DOMAIN,
  userDomain: USER_DOMAIN,
  // ejabberd.yml's mod_push `include_body`: sent instead of the message body.
  placeholderBody: 'New message',
  // mod_push removes the registration on the first non-wait error.
  disabledLog: (node) => new RegExp(`${COMPONENT_DOMAIN} rejected notification for ${ALICE} \\(${node}\\), disabling push`),
  // mod_stream_mgmt keeps the session for resumption (resume_timeout, 300 s by default).
  hibernationLog: new RegExp(`Closing c2s connection for ${ALICE}/phone: .*waiting \\d+ seconds for stream resumption`),
  // From the hibernated session (mod_stream_mgmt → mod_push), not as an offline message.
  pushedFromHibernation: async (ejabberd, { hibernating }) => {
    assert.equal(ejabberd.logged(new RegExp(`Closing c2s session for ${ALICE}/phone`), hibernating), false, 'the session was still hibernated');
  },
  whileAway: {
    answers: 'answers its own publishes with an error and drops the registration',
    // Unlike Prosody's wait/remote-server-timeout: no component serves the domain, and with
    // s2s_access: none ejabberd answers auth/forbidden, which mod_push takes as the App Server
    // refusing the device.
    log: new RegExp(`${COMPONENT_DOMAIN} rejected notification for ${ALICE} \\(${NODE_B}\\), disabling push: .*\\(forbidden\\) \\(auth\\)`),
    keepsRegistration: false,
  },
});
