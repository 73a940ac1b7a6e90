/**
 * The stable hash that places a user (by normalised bare JID) or a push node (by name) on a
 * shard. FNV-1a over the UTF-16 code units: cheap, no allocation, the same in every thread and
 * every run, so a key's shard never changes while the shard count stays the same.
 */
export function shardOf(key: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}
