/** A read a backend may answer at once (LMDB reads its memory map) or later (PostgreSQL). */
export type Awaitable<T> = T | Promise<T>;
