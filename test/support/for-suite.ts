/**
 * One fixture for the tests of the enclosing `describe`: started before its first test, closed
 * after its last. The object returned stands for the fixture, so the suite can name it at once
 * (`const t = forSuite(startTestServer)`) although it exists only once `before` has run.
 */
import { after, before } from 'node:test';

export function forSuite<T extends object & { close(): Promise<void> }>(start: () => Promise<T>): T {
  let started: T | undefined;
  before(async () => {
    started = await start();
  });
  after(async () => {
    await started?.close();
  });
  const current = (): T => {
    if (started === undefined) throw new Error('a suite fixture is used before its suite started it');
    return started;
  };
  return new Proxy({} as T, {
    get(_, key) {
      const value: unknown = Reflect.get(current(), key);
      return typeof value === 'function' ? value.bind(current()) : value;
    },
    set(_, key, value) {
      return Reflect.set(current(), key, value);
    },
  });
}
