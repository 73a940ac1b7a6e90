/**
 * A batch of prepared APNS requests as one JSON string, for the crossing to a sender thread.
 * Pure.
 *
 * postMessage copies a string in one piece, while a structured clone walks every object and
 * property of every request on both sides (serialise on the main thread, rebuild on the sender
 * thread): for the few-hundred-byte requests of a push, the JSON round trip costs about half as
 * much CPU. Each request travels as a tuple in field order, `collapseId` as null when absent.
 */
import type { ApnsPriority, ApnsPushType, ApnsRequest } from '../apns/headers.js';

type RequestTuple = [
  path: string,
  topic: string,
  pushType: ApnsPushType,
  priority: ApnsPriority,
  expiration: number,
  apnsId: string,
  collapseId: string | null,
  body: string,
];

export function encodeRequestBatch(requests: readonly ApnsRequest[]): string {
  const tuples: RequestTuple[] = new Array(requests.length);
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i]!;
    tuples[i] = [r.path, r.topic, r.pushType, r.priority, r.expiration, r.apnsId, r.collapseId ?? null, r.body];
  }
  return JSON.stringify(tuples);
}

export function decodeRequestBatch(batch: string): ApnsRequest[] {
  const tuples = JSON.parse(batch) as RequestTuple[];
  const requests: ApnsRequest[] = new Array(tuples.length);
  for (let i = 0; i < tuples.length; i++) {
    const t = tuples[i]!;
    requests[i] = {
      path: t[0],
      topic: t[1],
      pushType: t[2],
      priority: t[3],
      expiration: t[4],
      apnsId: t[5],
      collapseId: t[6] ?? undefined,
      body: t[7],
    };
  }
  return requests;
}
