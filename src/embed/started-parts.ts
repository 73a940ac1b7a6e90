/**
 * The shutdown order of an engine, written once: each part is recorded as it starts, and every
 * way out — `close()`, or a start that failed halfway — stops what was started in the reverse
 * order. A part stops only after every part started after it (which may still use it) stopped:
 * the REST API before the pools it sends to, the pools before the actor system, the store last.
 */
export type Stop = () => Promise<unknown> | unknown;

export class StartedParts {
  private readonly stops: Stop[] = [];

  /** Records a part that started; `stop` is called once, after every part added later. */
  add(stop: Stop): void {
    this.stops.push(stop);
  }

  /** Stops every recorded part, the last started first; a second call finds nothing left. */
  async stopAll(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) await stop();
  }
}
