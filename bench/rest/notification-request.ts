/**
 * The request the REST benchmark sends: what MongooseIM's mod_push_service_mongoosepush posts
 * for a chat message (reference: mongoosepush-api.md, "Example MongooseIM request"), to v3,
 * MongooseIM's default api_version, with the string-typed fields it copies from publish-options.
 */
export const DEVICE_TOKEN = 'a1b2c3d4'.repeat(8);
export const TOPIC = 'com.example.herald';
export const PATH = `/v3/notification/${DEVICE_TOKEN}`;
export const BODY = JSON.stringify({
  service: 'apns',
  mode: 'prod',
  priority: 'high',
  topic: TOPIC,
  mutable_content: 'true',
  time_to_live: '3600',
  alert: {
    body: 'OH, HAI!',
    title: 'alice@localhost',
    tag: 'alice@localhost',
    badge: 1,
    click_action: 'myactivity',
    sound: 'default',
  },
});
export const HEADERS = { 'content-type': 'application/json' };
