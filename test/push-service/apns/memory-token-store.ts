/** The shared tokens' store in memory, one row as PostgreSQL would keep it, that a test can break. */
import type { ProviderTokenStore, StoredProviderToken } from '../../../src/push-service/apns/shared-token.js';

export class MemoryTokenStore implements ProviderTokenStore {
  stored: StoredProviderToken | undefined;
  /** Every exchange rejects while set, as with PostgreSQL down. */
  failing = false;
  exchanges = 0;

  async exchange(_teamId: string, _keyId: string, choose: (stored: StoredProviderToken | undefined) => StoredProviderToken): Promise<StoredProviderToken> {
    this.exchanges++;
    if (this.failing) throw new Error('connection refused');
    this.stored = choose(this.stored);
    return this.stored;
  }
}
