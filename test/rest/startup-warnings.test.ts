/** restStartupWarnings: an API reachable beyond loopback without tokens is worth a warning. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isLoopbackBind, restStartupWarnings } from '../../src/rest/startup-warnings.js';

describe('REST startup warnings', () => {
  test('binding 0.0.0.0 without tokens gives one warning naming both keys', () => {
    const warnings = restStartupWarnings({ bind: '0.0.0.0', auth_tokens: [] });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /rest\.bind/);
    assert.match(warnings[0]!, /rest\.auth_tokens/);
  });

  test('binding 127.0.0.1 without tokens gives none', () => {
    assert.deepEqual(restStartupWarnings({ bind: '127.0.0.1', auth_tokens: [] }), []);
  });

  test('binding 0.0.0.0 with tokens gives none', () => {
    assert.deepEqual(restStartupWarnings({ bind: '0.0.0.0', auth_tokens: ['t'] }), []);
  });

  test('loopback is 127.0.0.0/8, ::1 in any spelling, and localhost; nothing else', () => {
    for (const bind of ['127.0.0.1', '127.255.0.9', '::1', '0:0:0:0:0:0:0:1', 'localhost', 'LocalHost']) {
      assert.equal(isLoopbackBind(bind), true, bind);
    }
    for (const bind of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.com', '::2']) {
      assert.equal(isLoopbackBind(bind), false, bind);
    }
  });
});
