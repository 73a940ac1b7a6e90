/**
 * A FIFO ring buffer with a hard capacity: the storage of a bounded mailbox. It starts small
 * and doubles up to `capacity`, so 100 000 idle actors do not each hold a full-size array.
 *
 *   head ──► [ a b c . . . . ] ◄── tail = (head + length) % storage.length
 */
export class BoundedQueue<T> {
  private storage: Array<T | undefined>;
  private head = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    initialSize = 8,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.storage = new Array<T | undefined>(Math.min(capacity, initialSize));
  }

  get length(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  /** Appends; returns false (and stores nothing) when the queue is full. */
  push(item: T): boolean {
    if (this.count >= this.capacity) return false;
    if (this.count === this.storage.length) this.grow();
    this.storage[(this.head + this.count) % this.storage.length] = item;
    this.count++;
    return true;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.storage[this.head];
    this.storage[this.head] = undefined;
    this.head = (this.head + 1) % this.storage.length;
    this.count--;
    return item;
  }

  private grow(): void {
    const size = Math.min(this.capacity, this.storage.length * 2);
    const next = new Array<T | undefined>(size);
    for (let i = 0; i < this.count; i++) next[i] = this.storage[(this.head + i) % this.storage.length];
    this.storage = next;
    this.head = 0;
  }
}
