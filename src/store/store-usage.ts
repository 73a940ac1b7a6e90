/**
 * How much of the LMDB file is in use, from LMDB's own statistics (mdb_stat per database):
 * the branch, leaf and overflow pages of every named database, of the main database that
 * names them and of the free-page database, plus the two meta pages, times the page size.
 * Pages freed by removals are not counted, because LMDB reuses them for later writes; so this
 * is the size the file needs, and the size it stays at while writes are refused.
 */
import type { Database, RootDatabase } from 'lmdb';

/** LMDB keeps two meta pages at the head of the file (mdb.c, NUM_METAS). */
const META_PAGES = 2;

/** What lmdb-js's `getStats()` returns (mdb_stat fields, plus the main and free databases). */
interface TreeStats {
  pageSize: number;
  treeBranchPageCount: number;
  treeLeafPageCount: number;
  overflowPages: number;
}

interface DatabaseStats extends TreeStats {
  root: TreeStats;
  free: TreeStats;
  /** mdb_env_info me_last_pgno: the highest page number the file uses. */
  lastPageNumber: number;
}

const pages = (s: TreeStats): number => s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages;

/**
 * The file's high-water mark, (last page number + 1) × page size: never below `usedBytes`, and
 * one statistics call instead of one per database (~9 µs against ~55 µs with five databases),
 * so the guard reads it first and counts pages only once the file has reached the bound.
 */
export function highWaterBytes(root: RootDatabase): number {
  const stats = root.getStats() as DatabaseStats;
  return (stats.lastPageNumber + 1) * stats.pageSize;
}

export function usedBytes(root: RootDatabase, named: Iterable<Database<unknown, string>>): number {
  const rootStats = root.getStats() as DatabaseStats;
  let used = META_PAGES + pages(rootStats.root) + pages(rootStats.free);
  for (const db of named) used += pages(db.getStats() as TreeStats);
  return used * rootStats.pageSize;
}
