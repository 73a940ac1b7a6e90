/**
 * XEP-0050 command sessions between the first `execute` and the final stage. A session belongs
 * to the requester that opened it (its full JID) and to one command node; it stays open for
 * `timeoutMs`, and an ended one (completed, canceled, timed out) is remembered as long again so
 * that its sessionid is answered `session-expired`, not `bad-sessionid` (XEP-0050 §4.6).
 *
 * Bounded: at most `maxSessions` entries; opening one more drops the oldest. Entries are kept in
 * creation order, which is also the order in which they are forgotten, so pruning is a walk
 * from the front.
 */
import { randomBytes } from 'node:crypto';
import { commandErrors } from './ad-hoc.js';

/** 128 random bits per sessionid: not guessable by another requester. */
const SESSION_ID_BYTES = 16;

interface Session {
  node: string;
  requester: string;
  createdAt: number;
  ended: boolean;
}

export class CommandSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly timeoutMs: number,
    private readonly maxSessions: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** Opens a session and returns its id. */
  open(node: string, requester: string): string {
    this.prune();
    while (this.sessions.size >= this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    const id = this.oneShotId();
    this.sessions.set(id, { node, requester, createdAt: this.now(), ended: false });
    return id;
  }

  /**
   * Checks that `id` is an open session of this requester and command.
   * @throws StanzaError bad-sessionid (unknown, or another requester's or command's),
   *   session-expired (ended or timed out)
   */
  check(id: string, node: string, requester: string): void {
    const session = this.sessions.get(id);
    if (!session || session.node !== node || session.requester !== requester) throw commandErrors.badSessionid();
    if (session.ended || this.now() - session.createdAt >= this.timeoutMs) {
      session.ended = true;
      throw commandErrors.sessionExpired();
    }
  }

  /** Ends a session (completed or canceled); its id is answered session-expired from now on. */
  end(id: string): void {
    const session = this.sessions.get(id);
    if (session) session.ended = true;
  }

  /** An id for a command executed in one request: nothing to remember. */
  oneShotId(): string {
    return randomBytes(SESSION_ID_BYTES).toString('base64url');
  }

  /** Forgets sessions older than twice the timeout (open ones have timed out by then). */
  private prune(): void {
    const now = this.now();
    for (const [id, session] of this.sessions) {
      if (now - session.createdAt < 2 * this.timeoutMs) break;
      this.sessions.delete(id);
    }
  }
}
