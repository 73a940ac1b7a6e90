/** A REST schema's parse function, probed with one body at a time for device `dev1`. */
import assert from 'node:assert/strict';
import type { PushNotification } from '../../src/push-service/notification.js';
import type { NotificationParseResult } from '../../src/rest/cast.js';

export interface SchemaProbes {
  /** The [JSON pointer, message] of every problem reported; fails if the body is accepted. */
  problems(body: unknown): string[][];
  /** The notification made of the body; fails if the body is refused. */
  accepted(body: unknown): PushNotification;
}

export function schemaProbes(parse: (body: unknown, deviceId: string) => NotificationParseResult): SchemaProbes {
  return {
    problems(body) {
      const r = parse(body, 'dev1');
      assert.equal(r.ok, false, 'expected the body to be refused');
      return r.ok ? [] : r.errors.map((e) => [e.source.pointer, e.message]);
    },
    accepted(body) {
      const r = parse(body, 'dev1');
      assert.ok(r.ok, `expected the body to be accepted: ${JSON.stringify(r)}`);
      return r.notification;
    },
  };
}
