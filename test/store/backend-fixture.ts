/** A backend on a store of its own, for one suite of a backend contract. */
export interface BackendFixture<B> {
  /** The backend now (a new one after `reopen`). */
  readonly backend: B;
  /** Closes the store and opens it again on the same data, as a restarted Herald would. */
  reopen(): Promise<void>;
  close(): Promise<void>;
}
