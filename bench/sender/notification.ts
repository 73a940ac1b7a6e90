/**
 * The one notification every contestant sends: an alert push to one device token and topic,
 * with the payload the bare loop sends (bench/e2e/bare-loop.ts), so the three put the same bytes
 * on the wire: {"aps":{"alert":{"title":…,"body":…},"badge":1,"thread-id":…}}.
 */
export const DEVICE_TOKEN = 'ab'.repeat(32);
export const TOPIC = 'com.example.herald';
export const TITLE = 'romeo@localhost/orchard';
export const BODY = 'Wherefore art thou, Romeo?';
export const BADGE = 1;
/** aps.thread-id (Herald: `alert.tag`). */
export const THREAD_ID = 'romeo@localhost/orchard';
/** apns-expiration = now + this, as Herald's default `apns.expiration_s`. */
export const EXPIRATION_S = 86_400;
