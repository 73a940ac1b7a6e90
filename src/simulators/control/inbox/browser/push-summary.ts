/**
 * What the inbox shows of one delivery: pure, no DOM. The Delivery shape is the control API's
 * (src/simulators/control/deliveries.ts, repeated here: this folder compiles for the browser).
 * Payloads are whatever a client sent: every field is checked before use.
 */
export interface Delivery {
  id: number;
  service: 'apns' | 'fcm' | 'webpush';
  device: string;
  endpoint?: string;
  topic?: string;
  outcome: 'accepted' | 'rejected' | 'faulted';
  receivedAt: number;
  headers?: Record<string, string>;
  payload?: unknown;
  /** The request as sent, when the simulator recorded it (refused requests have only this). */
  request?: { headers: Record<string, string> };
  answer: { status?: number; reason?: string; fault?: string };
}

export interface PushSummary {
  /** First 6 … last 4 characters of the device token. */
  deviceHint: string;
  /**
   * APNS apns-push-type; FCM "alert" with a notification, else "data"; Web Push "alert" with a
   * title or body, else "data"; "" when not known (a refused request).
   */
  pushType: string;
  priority: string;
  /** Undefined when the push is silent, or the request was not recorded with a payload. */
  title?: string;
  body?: string;
  silent: boolean;
  /** "200", "201", "410 Unregistered", "fault: drop-connection". */
  answer: string;
  answeredOk: boolean;
}

type Json = Record<string, unknown>;

const object = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

export function deviceHint(token: string): string {
  return token.length <= 12 ? token : `${token.slice(0, 6)}…${token.slice(-4)}`;
}

export function answerText(answer: Delivery['answer']): string {
  if (answer.fault !== undefined) return `fault: ${answer.fault}`;
  return [answer.status, answer.reason].filter((part) => part !== undefined).join(' ');
}

export function summarise(d: Delivery): PushSummary {
  // 2xx: APNS and FCM answer 200, a push service 201 Created (RFC 8030 §5).
  const status = d.answer.status;
  const base = { deviceHint: deviceHint(d.device), answer: answerText(d.answer), answeredOk: status !== undefined && status >= 200 && status < 300 };
  // A refused or faulted request shows what it carried when it was recorded whole.
  if (d.outcome !== 'accepted' && d.payload === undefined) return { ...base, pushType: '', priority: '', silent: false };
  const content = d.service === 'apns' ? apnsContent(d) : d.service === 'fcm' ? fcmContent(object(d.payload) ?? {}) : webPushContent(d);
  return { ...base, ...content };
}

interface Content {
  pushType: string;
  priority: string;
  title?: string;
  body?: string;
  silent: boolean;
}

/** Apple: aps.alert is a string (the body) or {title, subtitle, body}; no alert = a background push. */
function apnsContent(d: Delivery): Content {
  const headers = d.headers ?? d.request?.headers ?? {};
  const aps = object(object(d.payload)?.aps) ?? {};
  const alert = aps.alert;
  const pushType = headers['apns-push-type'] ?? (alert === undefined ? 'background' : 'alert');
  // Apple: "If you omit this header, APNs sets the notification priority to 10."
  const priority = headers['apns-priority'] ?? '10';
  if (typeof alert === 'string') return { pushType, priority, body: alert, silent: false };
  const fields = object(alert);
  if (fields === undefined) return { pushType, priority, silent: true };
  return { pushType, priority, ...defined({ title: text(fields.title), body: text(fields.body) }), silent: false };
}

/** FCM v1 message: notification (or android.notification) = an alert; data alone = a data push. */
function fcmContent(message: Json): Content {
  const android = object(message.android) ?? {};
  const notification = object(message.notification) ?? object(android.notification);
  const apnsHeaders = object(object(message.apns)?.headers) ?? {};
  const priority = text(android.priority) ?? text(apnsHeaders['apns-priority']) ?? 'normal';
  if (notification === undefined) return { pushType: 'data', priority, silent: true };
  return { pushType: 'alert', priority, ...defined({ title: text(notification.title), body: text(notification.body) }), silent: false };
}

/**
 * Herald's Web Push payload is `{title, body, badge?, tag?, click_action?, sound?, data?}`: a
 * title or body is a notification the service worker shows; neither is a silent (data) push.
 */
function webPushContent(d: Delivery): Content {
  const headers = d.headers ?? d.request?.headers ?? {};
  // RFC 8030 §5.3: "The default Urgency is "normal"."
  const priority = headers.urgency ?? 'normal';
  const payload = object(d.payload) ?? {};
  const shown = defined({ title: text(payload.title), body: text(payload.body) });
  if (shown.title === undefined && shown.body === undefined) return { pushType: 'data', priority, silent: true };
  return { pushType: 'alert', priority, ...shown, silent: false };
}

function defined(fields: { title?: string | undefined; body?: string | undefined }): { title?: string; body?: string } {
  return { ...(fields.title !== undefined ? { title: fields.title } : {}), ...(fields.body !== undefined ? { body: fields.body } : {}) };
}
