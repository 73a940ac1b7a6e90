/**
 * Herald as the App Server of a real Prosody 0.12 (Debian's package, mod_cloud_notify from
 * prosody-modules), joined as an XEP-0114 component, with real clients on Prosody's c2s port.
 * The tests run in order on one Prosody and one Herald: each starts from what the previous left.
 *
 * What Prosody does, read in /usr/lib/prosody/modules/mod_cloud_notify/mod_cloud_notify.lua, and
 * what the assertions rely on:
 * - it publishes from its domain JID (`localhost`) for a message stored offline
 *   (`message/offline/handle`) and, one second after the first one (`add_timer(1.0)`), for
 *   messages queued in a hibernated XEP-0198 session; the summary is a `type='form'` with
 *   `message-count` 1 and the placeholder body "New Message!" (push_notification_with_body off);
 * - it counts non-`wait` error answers per registration and removes the registration when the
 *   count reaches `push_max_errors` (16 by default; 1 in prosody.cfg.lua), logging "Disabling
 *   push notifications for identifier 'JID<NODE'"; a success resets the count;
 * - while no component is connected it answers publishes itself with wait/remote-server-timeout
 *   (mod_component), which never counts as an error;
 * - registrations are stored on disk, so they survive a restart of Prosody.
 */
import { NODE_B, pushScenarios } from '../push-scenarios.js';
import { COMPONENT_DOMAIN, ProsodyServer, USER_DOMAIN } from './prosody-server.js';

pushScenarios({
  name: 'Prosody',
  start: (secret) => ProsodyServer.start(secret),
  componentDomain: COMPONENT_DOMAIN,
  userDomain: USER_DOMAIN,
  // mod_cloud_notify's `push_notification_important_body`: sent instead of the message body.
  placeholderBody: 'New Message!',
  // push_max_errors = 1 (prosody.cfg.lua): the first non-wait error removes the registration.
  disabledLog: (node) => new RegExp(`Disabling push notifications for identifier '${COMPONENT_DOMAIN}<${node}'`),
  hibernationLog: /Session going into hibernation/,
  // From the hibernated session's queue (mod_smacks → mod_cloud_notify's timer), not as an offline message.
  pushedFromHibernation: async (prosody, { sending }) => {
    await prosody.waitForLog(/cloud handle_notify_request\(\) for newly smacks queued stanzas \(now in timer\)/, sending);
  },
  whileAway: {
    answers: 'answers its own publishes with wait and keeps the registration',
    // mod_component bounces the publish; mod_cloud_notify does not count a wait error.
    log: new RegExp(`Got error <wait:remote-server-timeout:[^>]*> for identifier '${COMPONENT_DOMAIN}<${NODE_B}': NOT increasing error count`),
    keepsRegistration: true,
  },
});
